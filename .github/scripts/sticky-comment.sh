#!/usr/bin/env bash
# Post the Markdown files given as arguments as ONE pull request comment, edited in place on every run: the comment
# is found by the hidden marker on its first line. Needs GH_TOKEN (pull-requests: write), PR_NUMBER and
# GITHUB_REPOSITORY; uses the gh CLI of GitHub's runners.
set -euo pipefail
marker='<!-- preflight-report -->'
body="$(printf '%s\n\n' "$marker"; cat "$@")"
comments="repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments"
id="$(gh api --paginate "$comments" --jq ".[] | select(.body | startswith(\"${marker}\")) | .id" | head -n 1)"
if [ -n "$id" ]; then
  gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${id}" -f body="$body" > /dev/null
else
  gh api --method POST "$comments" -f body="$body" > /dev/null
fi
