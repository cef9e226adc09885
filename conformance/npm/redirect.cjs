// Points the official npm SDK (@open-dy/open_api_sdk) at dyopen without editing the package.
//
// The SDK has no base-URL option: every API method builds a Tea `Request` with
// `protocol = "HTTPS"` and a hard-coded `headers.host` ("open.douyin.com",
// "developer.toutiao.com", ...), and sends it with `$tea.doAction(request, runtime)` from
// `@alicloud/tea-typescript`, looked up on that module's exports at call time. Wrapping that one
// export, in the copy the SDK itself resolves, rewrites protocol and host for every call.
// (The SDK's `@open-dy/open_api_credential` helper posts to a literal https://open.douyin.com URL
// with axios; the conformance scripts do not use it.)
'use strict';
const { createRequire } = require('node:module');

function redirectSdk(baseUrl) {
  const target = new URL(baseUrl);
  const sdkRequire = createRequire(require.resolve('@open-dy/open_api_sdk'));
  const tea = sdkRequire('@alicloud/tea-typescript');
  if (tea.doAction.dyopenTarget) {
    tea.doAction.dyopenTarget = target;
    return;
  }
  const original = tea.doAction;
  const wrapped = function doAction(request, runtime) {
    const to = wrapped.dyopenTarget;
    request.protocol = to.protocol.replace(':', '').toUpperCase();
    request.headers.host = to.host; // buildURL() takes the host (and port) from this header
    return original.call(this, request, runtime);
  };
  wrapped.dyopenTarget = target;
  tea.doAction = wrapped;
}

module.exports = { redirectSdk };
