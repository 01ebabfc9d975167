// The Content-Security-Policy as pwa/build.mjs writes it into index.html, read back: by the build's
// own tests and by tests/support/serve.mjs, which sends it as a header. No dependencies.

/** The policy in a page's <meta http-equiv="Content-Security-Policy">, or null. */
export function policyIn(html) {
  const m = html.match(/Content-Security-Policy"? content="([^"]*)"/i);
  return m ? m[1] : null;
}
