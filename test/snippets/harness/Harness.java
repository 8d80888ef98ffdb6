// The RUN tests' harness for the Java snippet (test/snippets/harness/README.md): compiled with it, it calls
// ChoreoConnectionClient.callService from two threads at once, then once more after a line on standard input.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class Harness {
    static String call(String path) {
        try {
            return "ok " + ChoreoConnectionClient.callService(path).replace("\n", " ");
        } catch (ChoreoConnectionClient.ConnectionException e) {
            return "error " + e.getMessage();
        } catch (InterruptedException e) {
            return "error interrupted";
        }
    }

    static void round(int count, String path) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(pool.submit(() -> call(path)));
        }
        for (Future<String> result : calls) {
            System.out.println(result.get());
        }
        pool.shutdown();
    }

    public static void main(String[] args) throws Exception {
        String path = System.getenv("CHOREO_HARNESS_PATH");
        round(2, path);
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        round(1, path);
    }
}
