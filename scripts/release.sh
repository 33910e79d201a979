#!/usr/bin/env bash
# Release Runtime Cascade: scripts/release.sh vX.Y.Z [--push]
#
# Refuses, and tags nothing, when: the version is not vX.Y.Z; the tree has uncommitted changes;
# HEAD is not the release branch (main, or $RELEASE_BRANCH); the tag exists; CHANGELOG.md has no
# section for the version; package.json says another version; or dist/ (or node20/action.yml)
# is not exactly what `npm run bundle` makes of the sources: runners run dist/, not src/.
# Then it tags vX.Y.Z and moves the major tag (v1) to it, as actions are released: workflows
# that say `uses: <org>/runtime-cascade@v1` get the release. With --push it pushes both tags
# (the major one moves, so it is pushed with --force: a tag, never a branch).
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
  echo "release: $*" >&2
  exit 1
}

version="${1:-}"
[[ "$version" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "usage: scripts/release.sh vX.Y.Z [--push] (got \"$version\")"
major="v${BASH_REMATCH[1]}"
plain="${version#v}"

[ -z "$(git status --porcelain)" ] || die "the tree has uncommitted changes; commit or stash them first"
branch="$(git rev-parse --abbrev-ref HEAD)"
[ "$branch" = "${RELEASE_BRANCH:-main}" ] || die "releases are cut from ${RELEASE_BRANCH:-main}, not $branch"
! git rev-parse -q --verify "refs/tags/$version" >/dev/null || die "$version is tagged already"
grep -q "^## \[$plain\]" CHANGELOG.md || die "CHANGELOG.md has no section '## [$plain]'"
[ "$(node -p 'require("./package.json").version')" = "$plain" ] || die "package.json's version is not $plain"

echo "release: rebuilding the bundle to check that dist/ is current"
${RELEASE_BUNDLE:-npm run --silent bundle} >/dev/null
if [ -n "$(git status --porcelain -- dist node20)" ]; then
  git status --short -- dist node20 >&2
  git checkout -q HEAD -- dist node20 # index and work tree both, as they were
  git clean -qfd -- dist node20
  die "dist/ is stale: it is not what npm run bundle makes of src/. Rebuild, commit, then release."
fi

git tag -a "$version" -m "Runtime Cascade $version"
git tag -f -a "$major" -m "Runtime Cascade $version" >/dev/null
echo "release: tagged $version and moved $major to $(git rev-parse --short HEAD)"
if [ "${2:-}" = "--push" ]; then
  git push origin "refs/tags/$version"
  git push --force origin "refs/tags/$major"
else
  echo "release: push with: git push origin $version && git push --force origin $major"
fi
