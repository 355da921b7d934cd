// conflict-kg query page: a small SPARQL editor with highlighting, and a results table.
// No libraries, no network access beyond this server.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const editor = document.getElementById("query");
  const highlight = document.getElementById("highlight");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");

  const KEYWORDS = new Set(("select construct describe ask where from named prefix base distinct " +
    "reduced optional union minus graph service filter bind values group by having order asc desc " +
    "limit offset as not in exists a count sum min max avg sample group_concat separator str lang " +
    "langmatches datatype bound iri uri bnode rand abs ceil floor round concat strlen ucase lcase " +
    "encode_for_uri contains strstarts strends strbefore strafter year month day hours minutes " +
    "seconds timezone tz now uuid struuid md5 sha1 sha256 sha384 sha512 coalesce if strlang strdt " +
    "sameterm isiri isuri isblank isliteral isnumeric regex substr replace true false undef").split(" "));

  // Terminals in the order they are tried (mirrors server/policy.py).
  const TOKEN = new RegExp([
    "(\\s+)",                                              // 1 space
    "(#[^\\n]*)",                                          // 2 comment
    "('''[\\s\\S]*?'''|\"\"\"[\\s\\S]*?\"\"\"|'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\")", // 3 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                            // 4 IRI
    "([?$][\\w\\u00B7\\u0300-\\u036F\\u203F-\\u2040]+)",   // 5 variable
    "([0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)",              // 6 number
    "((?:[A-Za-z_\\u00C0-\\uFFFF]|:)[\\w\\u00B7-\\uFFFF.\\-:%]*)", // 7 name
    "([\\s\\S])"                                           // 8 other
  ].join("|"), "gu");
  const CLASSES = [null, null, "c", "s", "i", "v", "n", "name", null];

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c]));
  }

  function highlighted(text) {
    let html = "";
    TOKEN.lastIndex = 0;
    let match;
    while ((match = TOKEN.exec(text)) !== null) {
      let group = 1;
      while (group < match.length && match[group] === undefined) group += 1;
      let cls = CLASSES[group];
      const token = match[0];
      if (cls === "name") {
        if (token.includes(":")) cls = "p";
        else cls = KEYWORDS.has(token.toLowerCase()) ? "k" : null;
      }
      html += cls ? `<span class="t-${cls}">${escapeHtml(token)}</span>` : escapeHtml(token);
    }
    return html + "\n";
  }

  function refresh() {
    highlight.innerHTML = highlighted(editor.value);
    highlight.parentElement.scrollTop = editor.scrollTop;
    highlight.parentElement.scrollLeft = editor.scrollLeft;
  }

  function shortIri(iri) {
    for (const [name, ns] of Object.entries(config.prefixes)) {
      if (iri.startsWith(ns) && iri.length > ns.length) return `${name}:${iri.slice(ns.length)}`;
    }
    return iri;
  }

  function link(iri) {
    const a = document.createElement("a");
    a.href = iri.startsWith(config.idBase) ? config.entityPath + iri.slice(config.idBase.length) : iri;
    a.textContent = shortIri(iri);
    a.title = iri;
    return a;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") td.appendChild(link(term.value));
    else if (term.type === "bnode") td.textContent = `_:${term.value}`;
    else if (term.type === "triple") td.textContent = `<< ${term.value.subject.value} ${term.value.predicate.value} ${term.value.object.value} >>`;
    else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.lang = term["xml:lang"];
        td.dir = term["xml:lang"] === "ar" ? "rtl" : "auto";
      }
      if (term.datatype) td.title = shortIri(term.datatype);
    }
    return td;
  }

  function table(data) {
    const t = document.createElement("table");
    t.className = "results-table";
    if (data.boolean !== undefined) {
      t.innerHTML = `<tbody><tr><td class="boolean">${data.boolean}</td></tr></tbody>`;
      return t;
    }
    const head = t.createTHead().insertRow();
    for (const v of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const v of data.head.vars) row.appendChild(cell(binding[v]));
    }
    return t;
  }

  function showDownloads(kind) {
    const names = kind === "graph" ? ["turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld"]
      : ["json", "xml", "csv", "tsv"];
    downloads.textContent = "Download: ";
    for (const name of names) {
      const a = document.createElement("a");
      const params = new URLSearchParams({ query: editor.value, format: name, download: "1" });
      a.href = `${config.endpoint}?${params}`;
      a.textContent = name;
      a.className = "download";
      downloads.appendChild(a);
      downloads.appendChild(document.createTextNode(" "));
    }
    downloads.hidden = false;
  }

  async function run() {
    status.textContent = "Running…";
    status.className = "";
    results.textContent = "";
    downloads.hidden = true;
    const started = performance.now();
    let response;
    try {
      response = await fetch(config.endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query: editor.value }),
      });
    } catch (err) {
      status.textContent = "The server did not answer.";
      status.className = "error";
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      let message = `${response.status}`;
      try {
        const body = await response.json();
        message = `${body.error.message}${body.error.hint ? " — " + body.error.hint : ""}`;
      } catch (err) { /* keep the status */ }
      status.textContent = message;
      status.className = "error";
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      const data = await response.json();
      results.appendChild(table(data));
      const rows = data.results ? data.results.bindings.length : 1;
      status.textContent = `${rows} row${rows === 1 ? "" : "s"} in ${seconds} s`;
      showDownloads("results");
    } else {
      const pre = document.createElement("pre");
      pre.className = "graph";
      pre.textContent = await response.text();
      results.appendChild(pre);
      status.textContent = `graph in ${seconds} s`;
      showDownloads("graph");
    }
    if (response.headers.get("KG-Truncated")) status.textContent += ` (${response.headers.get("KG-Truncated")})`;
  }

  document.getElementById("prefix-list").textContent = Object.entries(config.prefixes)
    .map(([name, ns]) => `PREFIX ${name}: <${ns}>`).join("\n");
  document.getElementById("examples").addEventListener("change", (event) => {
    editor.value = config.examples[Number(event.target.value)];
    refresh();
  });
  document.getElementById("run").addEventListener("click", run);
  editor.addEventListener("input", refresh);
  editor.addEventListener("scroll", refresh);
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  refresh();
})();
