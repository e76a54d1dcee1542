// _getpkgextensionform (commands/packages.cpp): a plan's package extension
// forms, rendered from their templates in var/cpanel/packages/extensions/.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

// The reference's "dog" extension: its name and defaults, and its form.
void install_dog_extension(const TempRoot& root) {
  root.write("var/cpanel/packages/extensions/dog", "_NAME=Dog Settings\ndog_species=mutt\ndog_spots=n\n");
  root.write("var/cpanel/packages/extensions/dog.tt2",
             "<div class=\"propertyEditor\"><input id=\"dog_species\" name=\"dog_species\" "
             "value=\"[% data.defaults.dog_species | html %]\"></div>\n"
             "[%# the checkbox -%]\n"
             "<input id=\"dog_spots\" type=\"checkbox\" value=\"y\"[% IF data.defaults.dog_spots == 'y' %] "
             "checked=\"checked\"[% ELSE %] data-off=\"1\"[% END %]>\n"
             "[%- UNLESS data.defaults.dog_tail %] (no tail)[% END %]\n");
}

}  // namespace

TEST_CASE("_getpkgextensionform renders the plan's extension templates with its values", "[packages]") {
  TempRoot root;
  install_dog_extension(root);
  run_ok(root, {"addpkg", "name=pets"});
  // No extension on the plan: only metadata.
  auto none = run_ok(root, {"_getpkgextensionform", "pkg=pets"});
  CHECK(none["metadata"]["result"] == 1);
  CHECK_FALSE(none.contains("data"));

  run_ok(root, {"addpkgext", "name=pets", "_PACKAGE_EXTENSIONS=dog"});
  CHECK_THAT(root.file("var/cpanel/packages/pets"), Contains("dog_species=mutt\n"));
  // The plan's own values win over the extension's defaults (editpkg does not set extension keys).
  root.write("var/cpanel/packages/pets", "QUOTA=100\ndog_species=<dalmatian>\ndog_spots=y\n_PACKAGE_EXTENSIONS=dog\n");
  auto form = run_ok(root, {"_getpkgextensionform", "pkg=pets"});
  CHECK(form["data"]["html"] ==
        "<div class=\"fatBorder\" id=\"dog_Extension\">\n<fieldset class=\"groupEditor\">\n"
        "<div class=\"propertyGroup\">\n<h3>Dog Settings</h3>\n"
        "<div class=\"propertyEditor\"><input id=\"dog_species\" name=\"dog_species\" "
        "value=\"&lt;dalmatian&gt;\"></div>\n"
        "<input id=\"dog_spots\" type=\"checkbox\" value=\"y\" checked=\"checked\"> (no tail)\n"
        "</div>\n</fieldset>\n</div>\n");

  // Bad input: an unknown plan, a missing template, a directive whmkit cannot render.
  auto unknown = run(root, {"_getpkgextensionform", "pkg=nothing"}).json();
  CHECK(unknown["metadata"]["result"] == 0);
  CHECK(unknown["metadata"]["reason"] == "Package nothing not found!");
  root.write("var/cpanel/packages/extensions/dog.tt2", "[% FOREACH x IN data.defaults %][% x %][% END %]");
  expect_refused(root, {"_getpkgextensionform", "pkg=pets"}, "uses “FOREACH x IN data.defaults”");
  root.write("var/cpanel/packages/extensions/dog.tt2", "");
  CHECK_FALSE(run_ok(root, {"_getpkgextensionform", "pkg=pets"}).contains("data"));
}
