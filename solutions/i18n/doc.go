// Package i18n keeps the course's Chinese pages in step with the English
// ones (issue 23). Every tracked page X.md that has a sibling X.zh-CN.md
// beside it is compared with it by TestParity; the two must agree in what
// a translation never changes:
//
//   - the fenced code blocks: the same count, order and bytes (commands
//     and their outputs are not translated; neither are the diagrams'
//     blocks);
//   - the markers above them (<!-- illustrative: … -->, <!-- replayed by
//     … -->), byte for byte: the README check (solutions/readme) replays
//     the English page's transcripts only, which stand for both;
//   - the TODO table (the table whose first header cell is "TODO"): each
//     row's TODO number and file, and the `code spans` of its last column
//     (the tests that check it), in order;
//   - in HINTS pages, the ladders: the same "## TODO n (file)" in order,
//     the same number of rungs each (a Chinese rung's heading may read
//     "### 提示 2：思路"), and the same fenced blocks on the last rung;
//   - the headings: how many, and the level of each, in order;
//   - the links to files: the relative link targets, in order, without
//     their #fragment (a heading's anchor is made from its translated
//     text, so anchors differ). A Chinese page links the Chinese sibling
//     of a page where it has one (X.zh-CN.md), the English page where it
//     has none; both count as the same target;
//   - a table the course generates, between the markers
//     "<!-- simulation table: begin …" and "<!-- simulation table: end -->":
//     the same rows, byte for byte, under a header of as many columns
//     (go test ./solutions/compare -update writes it, with each language's
//     header, into both).
//
// And each page of a pair links its sibling near its top: the English
// page with a link [中文](X.zh-CN.md), the Chinese one with
// [English](X.md). The link between the two is left out of the
// comparison of links.
//
// A Chinese page may add sections the English one lacks (the glossary and
// the setup for mainland China in the root README.zh-CN.md), each between
// the lines <!-- zh-CN only: begin --> and <!-- zh-CN only: end -->: they
// are left out of the comparison.
//
// A failure is one line: both files, what differs, and the first
// differing line of each.
//
// TestPagesWithoutSibling fails on a page that has no Chinese sibling:
// everyPageTranslated is true, since every page has one. Set to false
// while a translation is under way, it only logs them (go test -v
// ./solutions/i18n shows the list).
package i18n
