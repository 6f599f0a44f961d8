// A filter box for facet lists long enough to fold values away ("Xem thêm N"): typing narrows the whole list,
// folded values included. Progressive enhancement: the box only exists when this script runs, so without
// JavaScript the page is the plain list of links.
(function () {
  'use strict';

  // People type without diacritics ("ha noi" for "Hà Nội"): compare base letters only, đ as d.
  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
      .toLowerCase().replace(/\s+/g, ' ').trim();
  }

  function enhance(section, index) {
    var details = section.querySelector(':scope > details');
    var heading = section.querySelector(':scope > h2');
    var items = Array.prototype.slice.call(section.querySelectorAll('li'));
    var keys = items.map(function (li) {
      var link = li.querySelector('a');
      return fold((link || li).textContent);
    });
    var wasOpen = details.open;

    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'facet-filter';
    input.id = 'facet-filter-' + index;
    input.placeholder = 'Lọc danh sách…';
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('aria-label', 'Lọc danh sách ' + (heading ? heading.textContent.trim() : ''));
    var status = document.createElement('p');
    status.className = 'facet-filter-status';
    status.setAttribute('aria-live', 'polite');

    function apply() {
      var words = fold(input.value).split(' ').filter(Boolean);
      var shown = 0;
      items.forEach(function (li, i) {
        var match = words.every(function (w) { return keys[i].indexOf(w) !== -1; });
        li.hidden = !match;
        if (match) shown += 1;
      });
      if (words.length) {
        // the folded values are part of what is searched, so they must be visible while filtering
        details.open = true;
        status.textContent = shown ? shown + ' giá trị khớp' : 'Không có giá trị nào khớp';
      } else {
        details.open = wasOpen;
        status.textContent = '';
      }
    }

    details.addEventListener('toggle', function () {
      if (!input.value.trim()) wasOpen = details.open;
    });
    input.addEventListener('input', apply);
    input.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && input.value) {
        input.value = '';
        apply();
      }
    });
    section.insertBefore(status, heading ? heading.nextSibling : section.firstChild);
    section.insertBefore(input, status);
  }

  function init() {
    var sections = document.querySelectorAll('.facets .facet');
    var n = 0;
    Array.prototype.forEach.call(sections, function (section) {
      if (section.querySelector(':scope > details')) enhance(section, n++);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}());
