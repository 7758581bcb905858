// Registers the site's one service worker (/sw.js, scope "/"): the app shell works offline and
// the app can be installed. Customers' pages register it only when asked to notify (follow.js).
export async function registerWorker() {
  if (!("serviceWorker" in navigator)) return null;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    return await navigator.serviceWorker.ready;
  } catch {
    return null; // the app still works online without it
  }
}

registerWorker();
