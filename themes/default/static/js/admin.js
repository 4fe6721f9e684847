// The newsroom's progressive enhancements. Every admin page works without
// this script; it only saves clicks.
(function () {
  'use strict';
  // "Select all" boxes for bulk actions: <input type="checkbox" data-select-all="name">.
  document.querySelectorAll('input[data-select-all]').forEach(function (box) {
    box.addEventListener('change', function () {
      var name = box.getAttribute('data-select-all');
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (b) {
        b.checked = box.checked;
      });
    });
  });
})();

// ---- Articles: live preview and autosave in the editor (admin/articles.cc) ----
(function () {
  'use strict';
  var form = document.getElementById('editor-form');
  if (!form) return;
  var csrf = form.getAttribute('data-csrf');
  var body = document.getElementById('body');
  var preview = document.getElementById('preview');
  var status = document.getElementById('autosave-status');

  // Live preview, rendered by the server; at most one request per pause in typing.
  var previewTimer = null;
  function refreshPreview() {
    var data = new URLSearchParams();
    data.set('body', body.value);
    fetch(form.getAttribute('data-preview-url'), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: data.toString()
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (j && typeof j.html === 'string') preview.innerHTML = j.html;  // sanitised by the server
    }).catch(function () {});
  }
  if (body && preview) {
    body.addEventListener('input', function () {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refreshPreview, 400);
    });
    refreshPreview();
  }

  // The featured-image picker fills the image fields from the library, so
  // they can be checked and edited before saving (the server does the same
  // when scripts do not run).
  var picker = document.getElementById('image_media');
  if (picker) {
    picker.addEventListener('change', function () {
      var option = picker.options[picker.selectedIndex];
      var url = option && option.getAttribute('data-url');
      if (!url) return;
      form.elements.image_url.value = url;
      form.elements.image_alt.value = option.getAttribute('data-alt') || '';
      form.elements.image_credit.value = option.getAttribute('data-credit') || '';
      form.elements.image_caption.value = option.getAttribute('data-caption') || '';
      var wrap = document.getElementById('image-thumb-wrap');
      if (wrap) {
        var img = document.getElementById('image-thumb');
        if (!img) {
          img = document.createElement('img');
          img.id = 'image-thumb';
          img.alt = '';
          img.className = 'image-thumb';
          wrap.appendChild(img);
        }
        img.src = url;
      }
    });
  }

  // Autosave: every few seconds while there are changes, and on leaving.
  var url = form.getAttribute('data-autosave-url');
  if (!url) return;
  var dirty = false;
  form.addEventListener('input', function () { dirty = true; });
  form.addEventListener('submit', function () { dirty = false; });
  function formData() {
    var data = new URLSearchParams();
    ['title', 'slug', 'dek', 'body', 'tags', 'image_media', 'image_url', 'image_credit', 'image_alt', 'image_caption'].forEach(function (n) {
      if (form.elements[n]) data.set(n, form.elements[n].value);
    });
    var authors = form.elements.authors;
    if (authors) Array.prototype.forEach.call(authors.selectedOptions, function (o) { data.append('authors', o.value); });
    return data;
  }
  function autosave() {
    if (!dirty) return;
    dirty = false;
    fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: formData().toString()
    }).then(function (r) {
      if (!r.ok) { dirty = true; return; }
      if (status) status.textContent = 'Draft autosaved at ' + new Date().toLocaleTimeString();
    }).catch(function () { dirty = true; });
  }
  setInterval(autosave, 5000);
  window.addEventListener('pagehide', function () {
    if (!dirty || !navigator.sendBeacon) return;
    var blob = new Blob([formData().toString()], { type: 'application/x-www-form-urlencoded' });
    navigator.sendBeacon(url + '?csrf=' + encodeURIComponent(csrf), blob);
  });
})();

/* ---- Media library: drag and drop uploads (admin/media_pages.cc) ----
   Without JavaScript the upload form posts the file itself; with it, files
   dropped on the upload box (or chosen in it) are sent one by one with
   fetch, and the page then shows the new image or the server's reason. */
(function () {
  var zone = document.getElementById('media-drop');
  var form = document.getElementById('media-upload-form');
  if (!zone || !form || !window.fetch || !window.FormData) return;
  var url = zone.getAttribute('data-upload-url');
  var progress = document.getElementById('media-progress');
  function say(text) { if (progress) progress.textContent = text; }
  function upload(files) {
    var list = Array.prototype.slice.call(files);
    if (!list.length) return;
    var last = null;
    var failed = [];
    var chain = Promise.resolve();
    list.forEach(function (file, i) {
      chain = chain.then(function () {
        say('Uploading ' + file.name + ' (' + (i + 1) + ' of ' + list.length + ')…');
        var data = new FormData();
        data.append('file', file, file.name);
        ['alt', 'credit'].forEach(function (n) { if (form.elements[n] && list.length === 1) data.append(n, form.elements[n].value); });
        return fetch(url, { method: 'POST', body: data, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
          .then(function (r) {
            return r.json().catch(function () { return { error: 'The server answered ' + r.status + '.' }; })
              .then(function (body) {
                if (r.ok) last = body;
                else failed.push(file.name + ': ' + (body.error || ('the server answered ' + r.status)));
              });
          })
          .catch(function () { failed.push(file.name + ': the upload did not reach the server.'); });
      });
    });
    chain.then(function () {
      if (failed.length) { say('Not uploaded — ' + failed.join(' ')); return; }
      if (list.length === 1 && last && last.edit_url) { window.location.href = last.edit_url + '?uploaded=1'; return; }
      window.location.reload();
    });
  }
  ['dragenter', 'dragover'].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add('is-dragover'); });
  });
  ['dragleave', 'drop'].forEach(function (type) {
    zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.remove('is-dragover'); });
  });
  zone.addEventListener('drop', function (e) { if (e.dataTransfer) upload(e.dataTransfer.files); });
  form.addEventListener('submit', function (e) {
    var input = form.elements.file;
    if (!input || !input.files || !input.files.length) return;  // let the browser say the field is required
    e.preventDefault();
    upload(input.files);
  });
})();
