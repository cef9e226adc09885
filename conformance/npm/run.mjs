// Conformance: the official npm SDK @open-dy/open_api_sdk against dyopen.
// Env: DYOPEN_URL, DYOPEN_APPID, DYOPEN_SECRET (DYOPEN_ADMIN_TOKEN unused here); DYOPEN_NOW
// (Unix seconds) replaces the real time in request bodies, so a recording replays (docs/fidelity.md).
// Prints `ok <name>` or `FAIL <name>: got … want …` per check; exits 1 on any failure.
import sdk from '@open-dy/open_api_sdk';
import { redirectSdk } from './redirect.cjs';

const { DYOPEN_URL: url, DYOPEN_APPID: appid, DYOPEN_SECRET: secret } = process.env;
if (!url || !appid || !secret) throw new Error('DYOPEN_URL, DYOPEN_APPID, DYOPEN_SECRET are required');
redirectSdk(url);

const Client = sdk.default;
const client = new Client({ clientKey: appid, clientSecret: secret });
const LOG_ID = /^02\d{13}0{20}ffff[0-9a-f]{14}$/; // 53 characters, SPEC §2

let failures = 0;
// JSON with sorted keys, so key order does not matter
const canon = (v) => JSON.stringify(v, (_, x) =>
  x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x);
function check(name, got, want) {
  const g = canon(got);
  const w = canon(want);
  if (g === w) console.log(`ok ${name}`);
  else {
    failures++;
    console.log(`FAIL ${name}: got ${g} want ${w}`);
  }
}
const shape = (re, s) => (typeof s === 'string' && re.test(s) ? `<${re.source}>` : s);
// A business error: the SDK throws {code: "<err_no>", message: "<code>: msg is: <err_msg>,logid is <log_id>"}.
async function failure(call) {
  try {
    return { unexpected_success: await call() };
  } catch (e) {
    const m = /msg is: (.*),logid is (.*)$/s.exec(e.message ?? '');
    return m ? { code: e.code, msg: m[1], log_id: shape(LOG_ID, m[2]) } : { error: String(e) };
  }
}
const LOG = `<${LOG_ID.source}>`;
const nowSeconds = () => Number(process.env.DYOPEN_NOW || Math.floor(Date.now() / 1000));

// --- client token (SPEC §3) ---
const ct = await client.oauthClientToken(
  new sdk.OauthClientTokenRequest({ clientKey: appid, clientSecret: secret, grantType: 'client_credential' }),
);
const token = ct.data?.accessToken;
check('client_token', { message: ct.message, ...ct.data, accessToken: shape(/^clt\.\w+$/, token) }, {
  message: 'success',
  // the SDK's model types expires_in and error_code as strings and converts the numbers
  expiresIn: '7200', errorCode: '0', description: '', accessToken: '<^clt\\.\\w+$>',
});
const badCt = await client.oauthClientToken(
  new sdk.OauthClientTokenRequest({ clientKey: appid, clientSecret: '0'.repeat(32), grantType: 'client_credential' }),
);
const { errorCode, description } = badCt.data ?? {};
check('client_token wrong secret', { message: badCt.message, errorCode, description }, {
  message: 'error', errorCode: '10013', description: 'client_key 或者 client_secret 报错',
});

// --- city binding (seed 000, SPEC §4), page bindings ---
const add = (regionId, path, accessToken = token) =>
  client.v1AppRegionAdd(new sdk.V1AppRegionAddRequest({ accessToken, bindType: 2, regionId, path }));
const modify = (originRegion, currentRegion, path) =>
  client.v1AppRegionModify(new sdk.V1AppRegionModifyRequest({ accessToken: token, originRegion, currentRegion, path }));
const del = (regionId, path) =>
  client.v1AppRegionDelete(new sdk.V1AppRegionDeleteRequest({ accessToken: token, regionId, path }));
const envelope = (r) => ({ ...r, logId: shape(LOG_ID, r.logId), ...(r.dataId ? { dataId: shape(/^region_\d{19}$/, r.dataId) } : {}) });

check('region add', envelope(await add('440300', 'pages/a/index')), {
  errNo: 0, errMsg: '成功', logId: LOG, dataId: '<^region_\\d{19}$>',
});
check('region add again', await failure(() => add('440300', 'pages/a/index')), {
  code: '10001', msg: '当前小程序或页面已绑定该区域', log_id: LOG,
});
check('region add bad region', await failure(() => add('371200', 'pages/c/index')), {
  code: '10001', msg: '参数不合法:region_id参数不合法', log_id: LOG,
});
check('region add bad token', await failure(() => add('440300', 'pages/c/index', 'clt.not-a-token')), {
  code: '10100', msg: '鉴权失败,access_token非法', log_id: LOG,
});
check('region modify', envelope(await modify('440300', '130400', 'pages/a/index')), {
  errMsg: '成功', logId: LOG, errNo: 0,
});
check('region modify within 7 days', await failure(() => modify('130400', '440300', 'pages/a/index')), {
  code: '10101', msg: '修改区域的频率过高', log_id: LOG,
});
check('region add second page', (await add('441900', 'pages/b/index')).errNo, 0);
check('region delete', envelope(await del('441900', 'pages/b/index')), {
  errMsg: '成功', logId: LOG, errNo: 0,
});
check('region delete missing', await failure(() => del('441900', 'pages/none/index')), {
  code: '10001', msg: '待删除的数据不存在', log_id: LOG,
});

// --- an exclusive task (SPEC §5): ids and times travel as strings in the SDK's models ---
const start = nowSeconds();
const task = await client.taskboxAddTask(new sdk.TaskboxAddTaskRequest({
  accessToken: token, taskName: 'conformance', startPage: 'pages/index/index', taskSettleType: 1, pageType: 0,
  taskStartTime: String(start), taskEndTime: String(start + 30 * 86400), douyinIds: ['lw1352552'],
}));
check('task add exclusive', { ...task, logId: shape(LOG_ID, task.logId), data: { taskId: shape(/^\d{19}$/, task.data?.taskId) } }, {
  errNo: 0, errMsg: '', logId: LOG, data: { taskId: '<^\\d{19}$>' },
});

// --- URL link v1 (seed 002, SPEC §6); the SDK types expire_time as a string ---
const LINK = new RegExp(`^${url.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9A-Za-z]{7}$`);
const generate = (path, expireTime) =>
  client.urlLinkGenerate(new sdk.UrlLinkGenerateRequest({
    accessToken: token, appId: appid, appName: 'douyin', path, query: '{"id":"123"}', expireTime,
  }));
const now = nowSeconds();
const link = await generate('pages/detail/detail', String(now + 7200));
check('url link generate', { ...link, logId: shape(LOG_ID, link.logId), data: { urlLink: shape(LINK, link.data?.urlLink) } }, {
  errNo: 0, errMsg: '', logId: LOG, data: { urlLink: `<${LINK.source}>` },
});
check('url link path with query', await failure(() => generate('pages/detail/detail?id=1', String(now + 7200))), {
  code: '28005001', msg: '参数解析失败:path不能携带query', log_id: LOG,
});
check('url link expiry out of range', await failure(() => generate('pages/detail/detail', String(now + 181 * 86400))), {
  code: '28005022', msg: '到期时间不在范围内', log_id: LOG,
});
if (link.data?.urlLink) {
  const hop = await fetch(link.data.urlLink, { redirect: 'manual' });
  const location = hop.headers.get('location') ?? '';
  check('url link redirects', [hop.status, location.startsWith('snssdk1128://microapp?'), location.includes(`app_id=${appid}`)],
    [302, true, true]);
}

console.log(`npm @open-dy/open_api_sdk: ${failures === 0 ? 'all checks passed' : `${failures} failed`}`);
process.exit(failures === 0 ? 0 : 1);
