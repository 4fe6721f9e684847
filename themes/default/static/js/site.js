// Progressive enhancement only: every page works without this script.
// Marks the table-of-contents entry for the section being read.
(function () {
  'use strict';
  var toc = document.querySelector('.toc');
  if (!toc || !('IntersectionObserver' in window)) return;
  var links = {};
  toc.querySelectorAll('a[href^="#"]').forEach(function (a) {
    links[decodeURIComponent(a.getAttribute('href').slice(1))] = a;
  });
  var current = null;
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      var link = links[entry.target.id];
      if (!link) return;
      if (current) current.removeAttribute('aria-current');
      link.setAttribute('aria-current', 'true');
      current = link;
    });
  }, { rootMargin: '0px 0px -70% 0px' });
  Object.keys(links).forEach(function (id) {
    var heading = document.getElementById(id);
    if (heading) observer.observe(heading);
  });
})();

// Comments: answer a comment in place, and keep a draft while writing.
// Without this script the Reply link loads the page with ?replyto=ID and the
// form below the thread answers that comment.
(function () {
  'use strict';
  var respond = document.getElementById('respond');
  var form = document.getElementById('commentform');
  if (!respond || !form) return;
  var parentField = document.getElementById('comment_parent');
  var text = document.getElementById('comment');
  var replying = respond.querySelector('.replying-to');
  var replyingName = respond.querySelector('.replying-to-name');
  var cancel = respond.querySelector('.cancel-reply');
  var home = document.createComment('respond');
  respond.parentNode.insertBefore(home, respond);

  function replyTo(link) {
    var id = link.getAttribute('data-reply-to');
    var li = document.getElementById('comment-' + id);
    if (!li) return false;
    var body = li.querySelector('.comment-body');
    body.parentNode.insertBefore(respond, body.nextSibling);
    parentField.value = id;
    replyingName.textContent = link.getAttribute('data-reply-name');
    replyingName.setAttribute('href', '#comment-' + id);
    replying.hidden = false;
    text.focus();
    return true;
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('.comment-reply-link');
    if (link && replyTo(link)) event.preventDefault();
  });
  if (cancel) {
    cancel.addEventListener('click', function (event) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      parentField.value = '0';
      replying.hidden = true;
      if (history.replaceState && location.search.indexOf('replyto=') >= 0) {
        history.replaceState(null, '', location.pathname + '#respond');
      }
    });
  }

  // The draft lives in this browser only, per article, until it is sent.
  var key = 'chancery-draft:' + location.pathname;
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!store) return;
  if (!text.value.trim()) {
    var saved = store.getItem(key);
    if (saved) text.value = saved;
  }
  text.addEventListener('input', function () {
    if (text.value.trim()) store.setItem(key, text.value);
    else store.removeItem(key);
  });
  form.addEventListener('submit', function () { store.removeItem(key); });
})();
