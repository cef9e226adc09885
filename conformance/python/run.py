"""Conformance: the PyPI client `bytedance` against dyopen.

Env: DYOPEN_URL, DYOPEN_APPID, DYOPEN_SECRET, DYOPEN_ADMIN_TOKEN; optional: DYOPEN_ADMIN_URL (where
the admin call goes, default DYOPEN_URL), DYOPEN_NOW (Unix seconds used instead of the real time in
request bodies) and DYOPEN_REPLAY=1 (the answers come from a recording, which already reflects the
admin call, so it is skipped): docs/fidelity.md.
Prints `ok <name>` or `FAIL <name>: got ... want ...` per check; exits 1 on any failure.
"""
import json
import os
import re
import sys
import tempfile
import time

import requests

from bytedance import ByteDance, ByteDanceError

URL = os.environ["DYOPEN_URL"]
ADMIN_URL = os.environ.get("DYOPEN_ADMIN_URL") or URL
REPLAY = os.environ.get("DYOPEN_REPLAY") == "1"
APPID = os.environ["DYOPEN_APPID"]
SECRET = os.environ["DYOPEN_SECRET"]
LOG_ID = re.compile(r"^02\d{13}0{20}ffff[0-9a-f]{14}$")  # 53 characters, SPEC §2
LOG = "<log_id>"

TOKENS = tempfile.TemporaryDirectory(prefix="dyopen-conformance-")  # removed at exit
# The client's own host override: every request's origin is looked up in `api_domains` at the
# transport boundary (ByteDance._request), so the token fetches and the generated APIs all follow it.
client = ByteDance(
    app_id=APPID,
    app_secret=SECRET,
    api_domains={"https://open.douyin.com": URL, "https://developer.toutiao.com": URL},
    access_token_type="file",  # token cache in a throw-away folder, never Redis or ~
    ac_path=os.path.join(TOKENS.name, "token"),
)

failures = 0


def now_seconds():
    return int(os.environ.get("DYOPEN_NOW") or time.time())



def check(name, got, want):
    global failures
    if got == want:
        print("ok " + name)
    else:
        failures += 1
        print("FAIL {}: got {} want {}".format(
            name, json.dumps(got, ensure_ascii=False, sort_keys=True),
            json.dumps(want, ensure_ascii=False, sort_keys=True)))


def shaped(envelope, **patterns):
    """A copy of the envelope with log_id (and the given fields) replaced by their shape."""
    out = dict(envelope)
    for key, pattern in dict(patterns, log_id=LOG_ID).items():
        if isinstance(out.get(key), str) and pattern.match(out[key]):
            out[key] = "<{}>".format(key)
    return out


def call(fn, body=None, **kw):
    """The answer's JSON whether the client returned it or raised ByteDanceError on it."""
    try:
        return dict(fn(body=body, **kw))
    except ByteDanceError as e:
        if e.payload is None:
            raise
        return dict(e.payload, raised=e.code)


basic = client.basic
creds = basic.interface_request_credential.non_user_authorization
city = client.marketing.mount.set_distribute_city

# --- tokens (SPEC §3) ---
v2 = call(creds.get_access_token)
v2["data"] = shaped(v2.get("data", {}), access_token=re.compile(r"^08[0-9a-f]+$"))
check("v2 token", v2, {"err_no": 0, "err_tips": "success",
                       "data": {"access_token": "<access_token>", "expires_in": 7200}})
check("v2 token wrong secret", call(creds.get_access_token, {"secret": "0" * 32}),
      {"err_no": 40017, "err_tips": "secret 错误", "data": {}, "raised": 40017})
check("v2 token cached by the client", bool(re.match(r"^08[0-9a-f]+$", client.access_token)), True)

ct = call(creds.get_client_token)
ct["data"] = shaped(ct.get("data", {}), access_token=re.compile(r"^clt\.\w+$"))
check("client token", ct, {"message": "success", "data": {
    "access_token": "<access_token>", "description": "", "error_code": 0, "expires_in": 7200}})
bad = call(creds.get_client_token, {"client_secret": "0" * 32})
check("client token wrong secret",
      [bad.get("message"), bad["data"].get("error_code"), bad["data"].get("description"), bad.get("raised")],
      ["error", 10013, "client_key 或者 client_secret 报错", 10013])

# --- city binding (seed 000, SPEC §4), whole-app binding with the v2 token in `access-token` ---
DATA_ID = re.compile(r"^region_\d{19}$")
check("region add whole", shaped(call(city.add_bind_region, {"bind_type": 1, "region_id": "110100"}),
                                 data_id=DATA_ID),
      {"err_no": 0, "err_msg": "成功", "log_id": LOG, "data_id": "<data_id>"})
check("region add second city", shaped(call(city.add_bind_region, {"bind_type": 1, "region_id": "440300"})),
      {"err_no": 10001, "err_msg": "参数不合法:小程序整体仅可绑定1个城市,请使用修改接口", "log_id": LOG,
       "data_id": "", "raised": 10001})
check("region add page while whole", shaped(call(city.add_bind_region, {
    "bind_type": 2, "region_id": "440300", "path": "pages/index/index"})),
      {"err_no": 10001, "err_msg": "参数不合法:小程序已按整体维度绑定城市", "log_id": LOG, "data_id": "",
       "raised": 10001})
check("region add bad bind_type", shaped(call(city.add_bind_region, {"bind_type": 3, "region_id": "440300"})),
      {"err_no": 10001, "err_msg": "参数不合法:bind_type参数不合法", "log_id": LOG, "data_id": "",
       "raised": 10001})
check("region delete missing", shaped(call(city.delete_bind_city, {"region_id": "440300"})),
      {"err_no": 10001, "err_msg": "待删除的数据不存在", "log_id": LOG, "raised": 10001})
# 110100 was stored as 110000; a whole binding takes any path as "".
check("region modify", shaped(call(city.modify_bind_city, {
    "origin_region": "110000", "current_region": "440300", "path": "ignored/for/whole"})),
      {"err_no": 0, "err_msg": "成功", "log_id": LOG})
check("region delete within 7 days", shaped(call(city.delete_bind_city, {"region_id": "440300"})),
      {"err_no": 10101, "err_msg": "修改区域的频率过高", "log_id": LOG, "raised": 10101})
check("region bad token", shaped(call(city.delete_bind_city, {"region_id": "440300"},
                                      headers={"access-token": "08deadbeef"})),
      {"err_no": 10100, "err_msg": "鉴权失败,access_token非法", "log_id": LOG, "raised": 10100})

# --- URL links (seed 002, SPEC §6) ---
LINK = re.compile(r"^" + re.escape(URL.rstrip("/")) + r"/[0-9A-Za-z]{7}$")
now = now_seconds()
v1 = call(basic.url_and_qrcode.link.url_link_generate, {
    "app_name": "douyin", "path": "pages/detail/detail", "query": '{"id":"123"}', "expire_time": now + 7200})
v1["data"] = shaped(v1.get("data", {}), url_link=LINK)
check("url link v1 generate", shaped(v1),
      {"err_no": 0, "err_msg": "", "log_id": LOG, "data": {"url_link": "<url_link>"}})
# The legacy endpoint through the client's generic `post` (v2 token in the query string).
legacy = dict(client.post("/url_link/generate", {
    "ma_app_id": APPID, "app_name": "douyin", "path": "pages/detail/detail", "query": '{"id":"123"}',
    "expire_time": now + 7200}))
link = legacy.get("url_link", "")
check("url link legacy generate", shaped(legacy, url_link=LINK),
      {"err_no": 0, "err_tips": "", "url_link": "<url_link>"})
try:
    client.post("/url_link/generate", {"ma_app_id": APPID, "app_name": "douyin",
                                        "path": "pages/detail/detail?id=1", "expire_time": now + 7200})
    legacy_bad = {}
except ByteDanceError as e:
    legacy_bad = dict(e.payload, raised=e.code)
check("url link legacy path with query", legacy_bad,
      {"err_no": 1, "err_tips": "参数填写错误:path不能携带query", "url_link": "", "raised": 1})
if link:
    hop = client.session.get(link, allow_redirects=False)
    location = hop.headers.get("Location", "")
    check("url link redirects", [hop.status_code, location.startswith("snssdk1128://microapp?"),
                                 "app_id=" + APPID in location], [302, True, True])

# --- tasks and talents (seed 001, SPEC §5): an exclusive task, then update_orient_talent ---
box = basic.promote.taskbox
now = now_seconds()
created = call(box.add_task_v2, {
    "task_name": "conformance", "start_page": "pages/index/index", "task_start_time": str(now),
    "task_end_time": str(now + 30 * 86400), "douyin_ids": ["lw1352552"]})
task_id = created.get("data", {}).get("task_id")
check("add exclusive task", [created.get("err_no"), isinstance(task_id, str) and task_id.isdigit()],
      [0, True])
task_id = int(task_id)  # sent as a JSON integer, as in the seed's example


def talents(op_type, ids, **body):
    return shaped(call(box.update_orient_talent, dict(
        {"task_id": task_id, "op_type": op_type, "douyin_ids": ids}, **body)))


def results(*pairs):
    return {"error": 0, "message": "success", "log_id": LOG, "data": {"update_info_list": [
        {"douyin_id": i, "update_result": r} for i, r in pairs]}}


check("talents add", talents(1, ["lw1352552", "9423515316"]), results(
    ("lw1352552", "请求失败,该达人已添加,无法重复添加"), ("9423515316", "请求成功,已添加")))
check("talents cancel", talents(2, ["9423515316"]), results(("9423515316", "请求成功,已取消")))
if REPLAY:
    print("skip record submission (admin API): replayed answers already reflect it")
else:
    submitted = requests.post(  # a talent's video comes from outside the API: the admin API records it
        "{}/admin/v1/tasks/{}/submissions".format(ADMIN_URL, task_id), json={"douyin_id": "lw1352552"},
        headers={"Authorization": "Bearer " + os.environ["DYOPEN_ADMIN_TOKEN"]}, timeout=10)
    check("record submission (admin API)", submitted.status_code, 201)
check("talents cancel submitted", talents(2, ["lw1352552"]),
      results(("lw1352552", "请求失败,达人已投稿,无法取消合作")))
check("talents cancel again", talents(2, ["9423515316"]),
      results(("9423515316", "请求失败,和该达人的合作已取消,无法重复取消")))


def failed(code, message):
    return {"error": code, "message": message, "log_id": LOG, "data": {}, "raised": code}


check("talents bad token", talents(1, ["a1"], access_token="08deadbeef"), failed(5502, "accessToken不合法"))
check("talents other app", talents(1, ["a1"], appid="tt0000000000000000"), failed(5503, "appID与token不一致"))
check("talents unknown task", talents(1, ["a1"], task_id=1), failed(5442, "任务不存在"))
check("talents no ids", talents(1, []), failed(5592, "操作达人数量不合法,请调整后重试"))
check("terminate task", call(box.update_task_status, {"task_id": str(task_id), "task_status": 3}).get("err_no"), 0)
check("talents terminated task", talents(1, ["a1"]), failed(5591, "任务已终止,请重新创建"))

print("PyPI bytedance: " + ("all checks passed" if failures == 0 else "{} failed".format(failures)))
sys.exit(1 if failures else 0)
