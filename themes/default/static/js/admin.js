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
