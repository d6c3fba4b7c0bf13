import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load driver of bench/run.sh: measures the /auth endpoints and Keycloak's stock endpoints on the
 * same server in one run and prints Markdown tables with the ratios /auth ÷ stock.
 *
 * <p>Plain JDK (HttpClient, no JSON library) so that it compiles with javac alone and can never end
 * up in the Maven build. Settings are system properties (bench.*), see {@link #main}.
 */
public final class Bench {

    /** Long enough for the realm's password policy and not on its blacklist. */
    static final String PASSWORD = "bench velvet tractor 91";
    static final String REALM = "app";
    static final String CLIENT = "auth-api";
    /**
     * The stock grants run for a client of their own: auth-api refuses the password grant at Keycloak's token
     * endpoint (it is the API's client), so the bench creates this public client with direct grants, the same
     * scopes and mappers as any realm client, for the comparison.
     */
    static final String STOCK_CLIENT = "bench-stock-grant";
    static final int USERS_PER_WORKER = 4;

    private final HttpClient http;
    private final String base;
    private final String adminUser;
    private final String adminPassword;
    private final long kcPid;
    private final long pgPid;
    private final int concurrency;
    private final int rounds;
    /** Unique per run: emails never collide, even with a server that has seen a run before. */
    private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final AtomicInteger userSeq = new AtomicInteger();
    /** The first few failures of each load slot, for the report. */
    private final List<String> errorSamples = new ArrayList<>();

    private String adminToken;
    private long adminTokenExpiresNanos;

    Bench(String base, String adminUser, String adminPassword, long kcPid, long pgPid, int concurrency, int rounds) {
        // HTTP/1.1 as a browser or app backend would speak it without TLS; no h2c upgrade dance
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.kcPid = kcPid;
        this.pgPid = pgPid;
        this.concurrency = concurrency;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        String base = System.getProperty("bench.baseUrl", "http://127.0.0.1:18080");
        String adminUser = System.getProperty("bench.adminUser", "admin");
        String adminPassword = System.getenv("BENCH_ADMIN_PASSWORD"); // env: keeps it out of ps
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new IllegalArgumentException("BENCH_ADMIN_PASSWORD is not set");
        }
        long kcPid = Long.getLong("bench.kcPid", -1L);
        long pgPid = Long.getLong("bench.pgPid", -1L);
        int concurrency = Integer.getInteger("bench.concurrency", 4);
        int rounds = Integer.getInteger("bench.rounds", 4);
        int logins = Integer.getInteger("bench.logins", 200);
        int refreshes = Integer.getInteger("bench.refreshes", 1000);
        int registers = Integer.getInteger("bench.registers", 200);
        int failures = Integer.getInteger("bench.failures", 200);

        Bench b = new Bench(base, adminUser, adminPassword, kcPid, pgPid, concurrency, rounds);
        b.run(logins, refreshes, registers, failures);
    }

    // ------------------------------------------------------------------ the benchmark

    private void run(int logins, int refreshes, int registers, int failures) throws Exception {
        long t0 = System.nanoTime();
        ensureStockClient();
        long rssBefore = rssKb();
        String loadBefore = loadAvg();

        // Keycloak's brute-force protector refuses a login while another login of the same user is in
        // progress (user_temporarily_disabled, a 401 like any failure). Each worker therefore logs in
        // only its own users, and rotates over several so that the protector's off-thread
        // bookkeeping of one login has finished before that user's next.
        List<User> pool = new ArrayList<>();
        for (int i = 0; i < USERS_PER_WORKER * concurrency; i++) {
            pool.add(registerViaApi().user);
        }
        int[] loginsOfWorker = new int[concurrency];
        IntFunction<User> userOf = w -> pool.get(w + concurrency * (loginsOfWorker[w]++ % USERS_PER_WORKER));
        String hashInfo = passwordHashInfo(pool.get(0));

        List<Pair> pairs = new ArrayList<>();
        // the users registered here are spent later on the failure timings, one failure each
        ConcurrentLinkedQueue<User> created = new ConcurrentLinkedQueue<>();
        pairs.add(measurePair("register", registers, Math.max(10, registers / 10),
                "POST /auth/register (JSON)", (w, i) -> {
                    Registered r = registerViaApi();
                    created.add(r.user);
                    return r.ok;
                },
                "admin REST: POST users + PUT reset-password", (w, i) -> {
                    created.add(registerViaAdmin());
                    return true;
                }));

        pairs.add(measurePair("login", logins, Math.max(20, logins / 10),
                "POST /auth/login (JSON)", (w, i) -> loginViaApi(userOf.apply(w)) != null,
                "token endpoint, grant_type=password", (w, i) -> loginViaToken(userOf.apply(w)) != null));

        // Refresh rotates the token, so each worker walks its own chain: every request spends the
        // token the previous one returned. Both sides start from sessions made the same way.
        String[] authChain = new String[concurrency];
        String[] stockChain = new String[concurrency];
        for (int w = 0; w < concurrency; w++) {
            authChain[w] = refreshTokenOf(loginViaApi(pool.get(w)));
            stockChain[w] = refreshTokenOf(loginViaToken(pool.get(w)));
        }
        pairs.add(measurePair("refresh", refreshes, Math.max(50, refreshes / 10),
                "POST /auth/refresh (JSON)", (w, i) -> {
                    if (authChain[w] == null) { // a broken chain (counted as an error) starts over
                        authChain[w] = refreshTokenOf(loginViaApi(pool.get(w)));
                    }
                    String spent = authChain[w];
                    authChain[w] = null;
                    authChain[w] = refreshTokenOf(refreshViaApi(spent));
                    return authChain[w] != null;
                },
                "token endpoint, grant_type=refresh_token", (w, i) -> {
                    if (stockChain[w] == null) { // a broken chain (counted as an error) starts over
                        stockChain[w] = refreshTokenOf(loginViaToken(pool.get(w)));
                    }
                    String spent = stockChain[w];
                    stockChain[w] = null;
                    stockChain[w] = refreshTokenOf(refreshViaToken(spent));
                    return stockChain[w] != null;
                }));

        FailureResult fr = measureFailures(failures, new ArrayList<>(created));
        long rssAfter = rssKb();
        long rssPeak = procStatusKb("VmHWM:");
        String loadAfter = loadAvg();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        printReport(pairs, fr, rssBefore, rssAfter, rssPeak, loadBefore, loadAfter, hashInfo, seconds);
    }

    /**
     * Warms both sides up (unmeasured: Keycloak's JIT and caches would otherwise favour whichever
     * side runs second), then splits each side's requests into {@code rounds} slots and alternates
     * them A B, B A, A B, ... so that the load of other processes on a shared machine, and any drift
     * of the server's state, fall on both sides alike.
     */
    private Pair measurePair(String name, int n, int warmup, String authLabel, Op auth, String stockLabel, Op stock)
            throws IOException, InterruptedException {
        progress("%s: warm-up (%d each side)", name, warmup);
        runLoad(authLabel + " (warm-up)", warmup, auth);
        runLoad(stockLabel + " (warm-up)", warmup, stock);
        progress("%s: measuring %d requests each side at concurrency %d in %d rounds", name, n, concurrency, rounds);
        Stats a = null;
        Stats b = null;
        for (int r = 0; r < rounds; r++) {
            int slot = n / rounds + (r < n % rounds ? 1 : 0);
            if (r % 2 == 0) {
                a = Stats.merge(a, runLoad(authLabel, slot, auth));
                b = Stats.merge(b, runLoad(stockLabel, slot, stock));
            } else {
                b = Stats.merge(b, runLoad(stockLabel, slot, stock));
                a = Stats.merge(a, runLoad(authLabel, slot, auth));
            }
        }
        return new Pair(name, authLabel, a, stockLabel, b);
    }

    /** n calls of op from a fixed number of threads; a thread takes the next index when its call returns. */
    private Stats runLoad(String label, int n, Op op) throws IOException, InterruptedException {
        adminToken(); // renewed here, outside the clock, rather than inside some measured request
        long[] latencies = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.call(worker, i);
                    } catch (Exception e) {
                        ok = false;
                        if (firstErrors.size() < 5) {
                            firstErrors.add(e.toString());
                        }
                    }
                    latencies[i] = System.nanoTime() - s;
                    if (!ok) {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-" + w);
            t.start();
            threads.add(t);
        }
        long kc0 = cpuNanos(kcPid);
        long pg0 = cpuNanos(pgPid);
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        long kcCpu = kc0 < 0 ? -1 : cpuNanos(kcPid) - kc0;
        long pgCpu = pg0 < 0 ? -1 : cpuNanos(pgPid) - pg0;
        for (String e : firstErrors) {
            progress("  error: %s: %s", label, e);
            errorSamples.add(label + ": " + e);
        }
        return new Stats(latencies, elapsed, errors.get(), kcCpu, pgCpu);
    }

    /**
     * Login failures, one request at a time (latency, not throughput, is the point), the three kinds
     * interleaved so that load changes hit them alike. Brute-force protection stays on as in
     * production: each wrong-password and disabled user is tried exactly once, so nobody gets near
     * failureFactor (5) nor trips the quick-login check (two failures within 1 s).
     */
    private FailureResult measureFailures(int n, List<User> fresh) throws Exception {
        int warm = 5;
        List<User> users = new ArrayList<>(fresh);
        while (users.size() < 2 * (n + warm)) {
            users.add(registerViaApi().user);
        }
        List<User> wrongPassword = users.subList(0, n + warm);
        List<User> disabled = users.subList(n + warm, 2 * (n + warm));
        progress("failures: disabling %d users through the admin API", disabled.size());
        for (User u : disabled) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/users/" + u.id))
                    .header("Authorization", "Bearer " + adminToken())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":false}")));
            check(r, 204, "disable user");
        }
        // unmeasured rounds first: whichever kind ran first would otherwise warm the path for the others
        for (int i = 0; i < warm; i++) {
            failedLogin(wrongPassword.get(n + i).email, PASSWORD + "x");
            failedLogin("nobody-warm-" + i + "-" + runId + "@example.com", PASSWORD);
            failedLogin(disabled.get(n + i).email, PASSWORD);
        }

        String[] kinds = {"wrong password", "unknown email", "disabled user"};
        long[][] lat = new long[3][n];
        Map<String, Integer> bodies = new LinkedHashMap<>();
        int unexpected = 0;
        progress("failures: %d of each kind, sequential", n);
        for (int i = 0; i < n; i++) {
            // the order rotates, so that no kind always follows the same other kind
            for (int j = 0; j < 3; j++) {
                int k = (i + j) % 3;
                String login = switch (k) {
                    case 0 -> wrongPassword.get(i).email;
                    case 1 -> "nobody-" + i + "-" + runId + "@example.com";
                    default -> disabled.get(i).email;
                };
                String password = k == 0 ? PASSWORD + "x" : PASSWORD;
                long s = System.nanoTime();
                HttpResponse<String> r = failedLogin(login, password);
                lat[k][i] = System.nanoTime() - s;
                if (r.statusCode() != 401) {
                    unexpected++;
                }
                bodies.merge(r.statusCode() + " " + r.body(), 1, Integer::sum);
            }
        }
        return new FailureResult(kinds, lat, bodies, unexpected);
    }

    // ------------------------------------------------------------------ the requests

    private Registered registerViaApi() throws IOException, InterruptedException {
        User u = newUser("api");
        String body = "{\"email\":" + q(u.email) + ",\"username\":" + q(u.username) + ",\"password\":" + q(PASSWORD) + "}";
        HttpResponse<String> r = send(json("/realms/" + REALM + "/auth/register", body));
        check(r, 201, "register");
        return new Registered(new User(u.email, u.username, field(r.body(), "uuid")), r.body().contains("\"refresh_token\""));
    }

    private void ensureStockClient() throws IOException, InterruptedException {
        String rep = "{\"clientId\":" + q(STOCK_CLIENT) + ",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
                + "\"standardFlowEnabled\":false}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/clients"))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rep)));
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            check(created, 201, "create " + STOCK_CLIENT);
        }
    }

    private User registerViaAdmin() throws IOException, InterruptedException {
        User u = newUser("adm");
        String token = adminToken();
        String rep = "{\"username\":" + q(u.username) + ",\"email\":" + q(u.email) + ",\"enabled\":true}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/users"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rep)));
        check(created, 201, "admin create user");
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> pw = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/users/" + id + "/reset-password"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"type\":\"password\",\"value\":" + q(PASSWORD) + ",\"temporary\":false}")));
        check(pw, 204, "admin reset-password");
        return new User(u.email, u.username, id);
    }

    /** The token-issuing calls return the 200 body and throw otherwise, so the run shows what went wrong. */
    private String loginViaApi(User u) throws IOException, InterruptedException {
        return tokens(send(json("/realms/" + REALM + "/auth/login",
                "{\"email\":" + q(u.email) + ",\"password\":" + q(PASSWORD) + "}")), "/auth/login");
    }

    private String loginViaToken(User u) throws IOException, InterruptedException {
        return tokens(send(form("/realms/" + REALM + "/protocol/openid-connect/token",
                "grant_type", "password", "client_id", STOCK_CLIENT, "username", u.email, "password", PASSWORD, "scope", "openid")),
                "password grant");
    }

    private String refreshViaApi(String refreshToken) throws IOException, InterruptedException {
        return tokens(send(json("/realms/" + REALM + "/auth/refresh", "{\"refresh_token\":" + q(refreshToken) + "}")),
                "/auth/refresh");
    }

    private String refreshViaToken(String refreshToken) throws IOException, InterruptedException {
        return tokens(send(form("/realms/" + REALM + "/protocol/openid-connect/token",
                "grant_type", "refresh_token", "client_id", STOCK_CLIENT, "refresh_token", refreshToken)), "refresh grant");
    }

    private static String tokens(HttpResponse<String> r, String what) throws IOException {
        check(r, 200, what);
        if (!r.body().contains("\"access_token\"")) {
            throw new IOException(what + ": 200 without access_token");
        }
        return r.body();
    }

    private HttpResponse<String> failedLogin(String login, String password) throws IOException, InterruptedException {
        return send(json("/realms/" + REALM + "/auth/login",
                "{\"email\":" + q(login) + ",\"password\":" + q(password) + "}"));
    }

    /** The stored hash's algorithm and cost, so the report says what a login pays for. */
    private String passwordHashInfo(User u) throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/users/" + u.id + "/credentials"))
                .header("Authorization", "Bearer " + adminToken()).GET());
        // credentialData is a JSON string inside the JSON: its quotes arrive escaped
        String data = r.body().replace("\\\"", "\"");
        String algorithm = field(data, "algorithm");
        Matcher it = Pattern.compile("\"hashIterations\"\\s*:\\s*(-?\\d+)").matcher(data);
        Matcher ad = Pattern.compile("\"additionalParameters\"\\s*:\\s*(\\{[^}]*\\})").matcher(data);
        return algorithm + (it.find() ? ", hashIterations " + it.group(1) : "")
                + (ad.find() && ad.group(1).length() > 2 ? ", " + ad.group(1).replace("\"", "") : "");
    }

    private synchronized String adminToken() throws IOException, InterruptedException {
        // master-realm admin tokens live 60 s; a new one 30 s early outlasts any load slot
        if (adminToken == null || System.nanoTime() > adminTokenExpiresNanos) {
            HttpResponse<String> r = send(form("/realms/master/protocol/openid-connect/token",
                    "grant_type", "password", "client_id", "admin-cli", "username", adminUser, "password", adminPassword));
            check(r, 200, "admin token");
            adminToken = field(r.body(), "access_token");
            long lifetime = Long.parseLong(numberField(r.body(), "expires_in"));
            adminTokenExpiresNanos = System.nanoTime() + Duration.ofSeconds(Math.max(5, lifetime - 30)).toNanos();
        }
        return adminToken;
    }

    private User newUser(String source) {
        int n = userSeq.incrementAndGet();
        String username = "b" + runId + "-" + source + "-" + n;
        return new User(username + "@example.com", username, null);
    }

    private HttpRequest.Builder json(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder form(String path, String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(sb.toString()));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> r, int expected, String what) throws IOException {
        if (r.statusCode() != expected) {
            String body = r.body();
            throw new IOException(what + ": HTTP " + r.statusCode() + " " + (body.length() > 300 ? body.substring(0, 300) : body));
        }
    }

    private static String refreshTokenOf(String body) {
        return body == null ? null : field(body, "refresh_token");
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static String numberField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? m.group(1) : "60";
    }

    /** JSON string literal; the driver's own values never hold anything that needs more than this. */
    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    // ------------------------------------------------------------------ the server process

    private long rssKb() {
        return procStatusKb("VmRSS:");
    }

    /** A kB figure of /proc/PID/status of the Keycloak JVM: VmRSS (now) or VmHWM (peak). */
    private long procStatusKb(String key) {
        if (kcPid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + kcPid + "/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // process gone or unreadable: the report shows n/a
        }
        return -1;
    }

    /**
     * User + system CPU time of a process and all its descendants (PostgreSQL's backends are children
     * of the postmaster), or -1 if unknown. CPU per request is the figure that other processes on a
     * shared machine disturb least; throughput and latency suffer from them directly.
     */
    private static long cpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isEmpty()) {
            return -1;
        }
        return Stream.concat(Stream.of(root.get()), root.get().descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    private static String loadAvg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    // ------------------------------------------------------------------ the report

    private void printReport(List<Pair> pairs, FailureResult fr, long rssBefore, long rssAfter, long rssPeak,
                             String loadBefore, String loadAfter, String hashInfo, long seconds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Concurrency %d, %d alternating rounds per pair, HTTP/1.1 keep-alive to 127.0.0.1; "
                + "password hash: %s.%n", concurrency, rounds, hashInfo));
        out.append(String.format(Locale.ROOT, "Load average (1/5/15 min): %s before, %s after; driver ran %d s.%n%n",
                loadBefore, loadAfter, seconds));
        out.append("| operation | endpoint | requests | errors | req/s | p50 ms | p99 ms | CPU ms/req Keycloak | CPU ms/req Postgres |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Pair p : pairs) {
            row(out, p.name, p.authLabel, p.auth);
            row(out, "", p.stockLabel, p.stock);
            out.append(String.format(Locale.ROOT, "| | **ratio /auth ÷ stock** | | | **%.2f** | **%.2f** | **%.2f** | **%s** | **%s** |%n",
                    p.auth.throughput() / p.stock.throughput(),
                    p.auth.percentileMs(0.50) / p.stock.percentileMs(0.50),
                    p.auth.percentileMs(0.99) / p.stock.percentileMs(0.99),
                    ratio(p.auth.cpuMsPerRequest(p.auth.kcCpuNanos), p.stock.cpuMsPerRequest(p.stock.kcCpuNanos)),
                    ratio(p.auth.cpuMsPerRequest(p.auth.pgCpuNanos), p.stock.cpuMsPerRequest(p.stock.pgCpuNanos))));
        }
        if (!errorSamples.isEmpty()) {
            out.append("\nErrors (first few of each slot):\n\n");
            errorSamples.forEach(e -> out.append("- ").append(e).append('\n'));
        }
        out.append("\nLogin failures at POST /auth/login, one request at a time (enumeration safety):\n\n");
        out.append("| case | requests | p50 ms | p90 ms | p99 ms | p50 ÷ wrong-password p50 |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        Stats wrong = Stats.ofLatencies(fr.latencies[0]);
        for (int k = 0; k < fr.kinds.length; k++) {
            Stats s = Stats.ofLatencies(fr.latencies[k]);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", fr.kinds[k], s.count(),
                    s.percentileMs(0.5), s.percentileMs(0.9), s.percentileMs(0.99), s.percentileMs(0.5) / wrong.percentileMs(0.5)));
        }
        out.append(String.format(Locale.ROOT, "%nResponses: %s%s%n", fr.bodies.size() == 1
                        ? "all " + fr.bodies.values().iterator().next() + " identical: " + fr.bodies.keySet().iterator().next()
                        : fr.bodies.size() + " different status/body combinations: " + fr.bodies,
                fr.unexpected > 0 ? "; " + fr.unexpected + " were not 401" : ""));
        out.append(String.format(Locale.ROOT, "%n| Keycloak JVM RSS | MiB |%n|---|---:|%n| before (server ready, idle) | %s |%n"
                + "| after | %s |%n| peak (VmHWM) | %s |%n", mib(rssBefore), mib(rssAfter), mib(rssPeak)));
        System.out.print(out);
    }

    private static void row(StringBuilder out, String op, String label, Stats s) {
        out.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.1f | %.1f | %s | %s |%n", op, label, s.count(),
                s.errors, s.throughput(), s.percentileMs(0.50), s.percentileMs(0.99),
                oneDecimal(s.cpuMsPerRequest(s.kcCpuNanos)), oneDecimal(s.cpuMsPerRequest(s.pgCpuNanos))));
    }

    private static String oneDecimal(double v) {
        return v < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return a < 0 || b <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String mib(long kb) {
        return kb < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench: " + format + "%n", args);
    }

    // ------------------------------------------------------------------ small types

    @FunctionalInterface
    interface Op {
        /** @return whether the server answered as expected */
        boolean call(int worker, int index) throws Exception;
    }

    record User(String email, String username, String id) {
    }

    record Registered(User user, boolean ok) {
    }

    record Pair(String name, String authLabel, Stats auth, String stockLabel, Stats stock) {
    }

    record FailureResult(String[] kinds, long[][] latencies, Map<String, Integer> bodies, int unexpected) {
    }

    static final class Stats {
        final long[] sorted;
        final long elapsedNanos;
        final int errors;
        /** CPU time the server processes spent during the slots, -1 if unknown. */
        final long kcCpuNanos;
        final long pgCpuNanos;

        Stats(long[] latencies, long elapsedNanos, int errors, long kcCpuNanos, long pgCpuNanos) {
            this.sorted = latencies.clone();
            Arrays.sort(this.sorted);
            this.elapsedNanos = elapsedNanos;
            this.errors = errors;
            this.kcCpuNanos = kcCpuNanos;
            this.pgCpuNanos = pgCpuNanos;
        }

        static Stats ofLatencies(long[] latencies) {
            return new Stats(latencies, 0, 0, -1, -1);
        }

        /** @param a may be null (the first slot) */
        static Stats merge(Stats a, Stats b) {
            if (a == null) {
                return b;
            }
            long[] all = Arrays.copyOf(a.sorted, a.sorted.length + b.sorted.length);
            System.arraycopy(b.sorted, 0, all, a.sorted.length, b.sorted.length);
            return new Stats(all, a.elapsedNanos + b.elapsedNanos, a.errors + b.errors,
                    sum(a.kcCpuNanos, b.kcCpuNanos), sum(a.pgCpuNanos, b.pgCpuNanos));
        }

        private static long sum(long x, long y) {
            return x < 0 || y < 0 ? -1 : x + y;
        }

        int count() {
            return sorted.length;
        }

        /** Requests per second of wall time over the measured slots. */
        double throughput() {
            return sorted.length / (elapsedNanos / 1e9);
        }

        /** Nearest rank: with 200 samples p99 is the second-slowest request. */
        double percentileMs(double p) {
            int rank = (int) Math.ceil(p * sorted.length);
            return sorted[Math.max(0, rank - 1)] / 1e6;
        }

        double cpuMsPerRequest(long cpuNanos) {
            return cpuNanos < 0 ? -1 : cpuNanos / 1e6 / sorted.length;
        }
    }
}
