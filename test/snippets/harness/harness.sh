# The RUN tests' harness for the shell snippet (test/snippets/harness/README.md). $1: the snippet without its own last
# call. A shell makes its calls one after another, so the "two at once" are two in a row in this shell.
. "$1"
choreo_harness_out=$(mktemp)
choreo_harness_call() {
  # Not in $(...): a subshell would keep the token it got to itself.
  if choreo_call "$CHOREO_HARNESS_PATH" >"$choreo_harness_out" 2>&1; then
    printf 'ok %s\n' "$(tr '\n' ' ' <"$choreo_harness_out")"
  else
    printf 'error %s\n' "$(tr '\n' ' ' <"$choreo_harness_out")"
  fi
}
choreo_harness_call
choreo_harness_call
read -r choreo_harness_line || true
choreo_harness_call
rm -f "$choreo_harness_out"
