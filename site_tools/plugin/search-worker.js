/*
 * The site's search worker (site_tools/plugin/search_index.py). Material's own worker does the
 * searching, unchanged (MATERIAL_WORKER, loaded with importScripts); this one hands it the site's
 * documents only when a reader searches.
 *
 * The page gives the worker search/search_index.json, the index's configuration, in which
 * k8s_documents names the file that holds its documents. The worker says it is ready at once; it fetches the
 * documents when the page says the search was opened (a message on the channel named after the
 * index) or at the first query, whichever comes first, and a query waits until Material's worker has
 * built its index from them. The messages are Material's: 0 set up, 1 ready, 2 query, 3 result.
 */
"use strict";

const MATERIAL_WORKER = "__MATERIAL_WORKER__";
const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const base = new URL("../../../", self.location);  // this file is <base>assets/javascripts/workers/
const post = self.postMessage.bind(self);
const listen = self.addEventListener.bind(self);

let material = null;  // Material's message listener, once its worker is loaded
let stub = null;  // what the page sent: the configuration, and where the documents are
let built = null;  // the promise of Material's worker holding the whole index
let complete = false;
let readyToSwallow = false;  // Material's worker says "ready" again after the whole index: the page heard it once

self.postMessage = (message, ...rest) => {
  if (readyToSwallow && message && message.type === READY) {
    readyToSwallow = false;
    return;
  }
  post(message, ...rest);
};

function loadMaterial() {
  const listeners = [];
  self.addEventListener = (type, listener, options) =>
    type === "message" ? listeners.push(listener) : listen(type, listener, options);
  try {
    importScripts(MATERIAL_WORKER);
  } finally {
    self.addEventListener = listen;
  }
  return event => Promise.all(listeners.map(listener => listener(event)));
}

function whole() {
  if (built === null) {
    const url = new URL("search/" + stub.config.k8s_documents, base);
    built = fetch(url)
      .then(response => {
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        return response.json();
      })
      .then(index => {
        material = material || loadMaterial();
        readyToSwallow = true;
        const data = { config: index.config, docs: index.docs, options: stub.options };  // the page's options
        return material({ data: { type: SETUP, data } });
      })
      .then(() => { complete = true; })
      .catch(error => {
        built = null;  // the next query tries again
        throw error;
      });
  }
  return built;
}

listen("message", event => {
  const message = event.data;
  if (message.type === SETUP && message.data && message.data.config && message.data.config.k8s_documents) {
    stub = message.data;
    post({ type: READY });
    return;
  }
  if (message.type === QUERY && stub !== null && !complete) {
    if (!message.data) {  // what Material's worker answers to an empty query, without its index
      post({ type: RESULT, data: { items: [] } });
      return;
    }
    whole().then(() => material(event), error => {
      console.warn(`search: the index could not be loaded: ${error}`);
      post({ type: RESULT, data: { items: [] } });
    });
    return;
  }
  material = material || loadMaterial();  // a whole index from the start: Material's worker as it is
  material(event);
});

if ("BroadcastChannel" in self) {
  new BroadcastChannel("k8s-search " + new URL("search/search_index.json", base)).onmessage = () => {
    if (stub !== null) whole().catch(() => {});
  };
}
