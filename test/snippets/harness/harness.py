# The RUN tests' harness for a Python snippet (test/snippets/harness/README.md): imports it (its own call runs only
# as __main__) and calls call_service from two threads at once, then once more after a line on standard input.
import importlib.util
import os
import sys
import threading

spec = importlib.util.spec_from_file_location("snippet", sys.argv[1])
snippet = importlib.util.module_from_spec(spec)
spec.loader.exec_module(snippet)
path = os.environ["CHOREO_HARNESS_PATH"]


def run_round(count):
    results = [None] * count

    def call(index):
        try:
            results[index] = "ok " + snippet.call_service(path).replace("\n", " ")
        except RuntimeError as error:
            results[index] = "error " + str(error)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for line in results:
        print(line, flush=True)


run_round(2)
sys.stdin.readline()
run_round(1)
