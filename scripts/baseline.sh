#!/usr/bin/env bash
# The benchmark's sequential baseline: what the original shell loop did, one template at a time.
# Per template: a contents-API probe, a full clone, git pull --rebase, write, commit, push.
# Env: SERVER API OWNER TOKEN VERSION WORK TEMPLATES (space-separated repo names).
set -u
header="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$TOKEN" | base64 | tr -d '\n')"
export GIT_TERMINAL_PROMPT=0 GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
failed=0
for t in $TEMPLATES; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: token $TOKEN" \
    "$API/repos/$OWNER/$t/contents/.github/workflows/publish-image.yml")
  [ "$code" = 404 ] && continue
  dir="$WORK/$t"
  rm -rf "$dir"
  git -c http.extraheader="$header" clone -q "$SERVER/$OWNER/$t.git" "$dir" || { failed=$((failed+1)); continue; }
  (
    cd "$dir" &&
    git -c http.extraheader="$header" pull -q --rebase &&
    echo "$VERSION" > .runtime-version &&
    git add .runtime-version &&
    if ! git diff --cached --quiet; then
      git -c user.name=baseline -c user.email=baseline@example.com commit -q -m "chore: pin runtime to $VERSION" &&
      git -c http.extraheader="$header" push -q origin HEAD
    fi
  ) || failed=$((failed+1))
  rm -rf "$dir"
done
echo "baseline: $failed failed"
