/* The field app's service worker (scope /field/): pages network first, falling back to the copies
 * field.js stored for work without signal; static files from the copy when there is one. Nothing
 * else of the site is touched. POSTs always go to the network (field.js queues what fails). */
"use strict";
var CACHE = "tcm-field-v1";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
  });
}
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/form/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (url.pathname.indexOf("/field") !== 0 || url.pathname === "/field/sw.js") return;
  event.respondWith(withTimeout(fetch(request), 8000).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone(), key = new URL(response.url); // a page after a change (?m=...) is that page
      ["m", "d", "out"].forEach(function (name) { key.searchParams.delete(name); });
      caches.open(CACHE).then(function (cache) {
        return cache.match(key.href).then(function (old) { if (old) return cache.put(key.href, copy); });
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) {
      if (hit) return hit;
      if (request.mode === "navigate") return caches.match("/field/offline").then(function (page) { return page || Response.error(); });
      return Response.error();
    });
  }));
});
