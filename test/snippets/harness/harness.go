// The RUN tests' harness for a Go snippet (test/snippets/harness/README.md): built with it as one package main, its
// init runs before the snippet's main and exits, calling callService from two goroutines at once, then once more.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync"
)

func init() {
	path := os.Getenv("CHOREO_HARNESS_PATH")
	round := func(count int) {
		results := make([]string, count)
		var wg sync.WaitGroup
		for i := 0; i < count; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				body, err := callService(path)
				if err != nil {
					results[i] = "error " + strings.ReplaceAll(err.Error(), "\n", " ")
				} else {
					results[i] = "ok " + strings.ReplaceAll(body, "\n", " ")
				}
			}(i)
		}
		wg.Wait()
		for _, line := range results {
			fmt.Println(line)
		}
	}
	round(2)
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	round(1)
	os.Exit(0)
}
