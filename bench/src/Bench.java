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
    /** One client (so one keep-alive connection per server) for each load worker: no two workers share a socket. */
    private final HttpClient[] workerClients;
    private final ThreadLocal<HttpClient> connection;
    private final String base;
    /** Stock Keycloak 26.7.3 without the bundle, on the same database (started by run.sh). */
    private final String stockBase;
    private final String adminUser;
    private final String adminPassword;
    private final long kcPid;
    private final long stockPid;
    private final long pgPid;
    private final int[] levels;
    private final int maxConcurrency;
    private final double slotSeconds;
    private final Map<String, String> hash;
    /** Unique per run: emails never collide, even with a server that has seen a run before. */
    private final String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    private final AtomicInteger userSeq = new AtomicInteger();
    /** The first few failures of each load slot, for the report. */
    private final List<String> errorSamples = new ArrayList<>();

    /** server base URL -> {token, expiry in System.nanoTime()} */
    private final Map<String, String[]> adminTokens = new java.util.HashMap<>();

    Bench(String base, String stockBase, String adminUser, String adminPassword, long kcPid, long stockPid, long pgPid,
          int[] levels, double slotSeconds, Map<String, String> hash) {
        // HTTP/1.1 as a browser or app backend would speak it without TLS; no h2c upgrade dance
        this.http = newClient();
        this.maxConcurrency = Arrays.stream(levels).max().orElse(1);
        this.workerClients = new HttpClient[maxConcurrency];
        for (int i = 0; i < maxConcurrency; i++) {
            workerClients[i] = newClient();
        }
        this.connection = ThreadLocal.withInitial(() -> http);
        this.base = base;
        this.stockBase = stockBase;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
        this.kcPid = kcPid;
        this.stockPid = stockPid;
        this.pgPid = pgPid;
        this.levels = levels;
        this.slotSeconds = slotSeconds;
        this.hash = hash;
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        String base = System.getProperty("bench.baseUrl", "http://127.0.0.1:18080");
        String stockBase = System.getProperty("bench.stockUrl", "http://127.0.0.1:18081");
        String adminUser = System.getProperty("bench.adminUser", "admin");
        String adminPassword = System.getenv("BENCH_ADMIN_PASSWORD"); // env: keeps it out of ps
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new IllegalArgumentException("BENCH_ADMIN_PASSWORD is not set");
        }
        long kcPid = Long.getLong("bench.kcPid", -1L);
        long stockPid = Long.getLong("bench.stockPid", -1L);
        long pgPid = Long.getLong("bench.pgPid", -1L);
        int[] levels = Arrays.stream(System.getProperty("bench.levels", "1,4,16").split(",")).mapToInt(Integer::parseInt).toArray();
        double slotSeconds = Double.parseDouble(System.getProperty("bench.slotSeconds", "6"));
        int failures = Integer.getInteger("bench.failures", 100);
        Map<String, String> hash = readProperties(System.getProperty("bench.hashFile"));
        String out = System.getProperty("bench.out", "bench/target/results");

        Bench b = new Bench(base, stockBase, adminUser, adminPassword, kcPid, stockPid, pgPid, levels, slotSeconds, hash);
        b.run(failures, Path.of(out));
    }

    private static Map<String, String> readProperties(String file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        if (file != null && Files.exists(Path.of(file))) {
            for (String line : Files.readAllLines(Path.of(file))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ the benchmark

    private void run(int failures, Path out) throws Exception {
        long t0 = System.nanoTime();
        ensureStockClient();
        long[] rssBefore = {procStatusKb(kcPid, "VmRSS:"), procStatusKb(stockPid, "VmRSS:")};
        String loadBefore = loadAvg();

        // Users registered through /auth/register, i.e. hashed by the bundle (libargon2): the stock server logs
        // them in with BouncyCastle, so every stock login of the run also checks the two implementations agree.
        // Each worker logs in only its own users (USERS_PER_WORKER, in turn) on its own connection.
        List<User> pool = new ArrayList<>();
        for (int i = 0; i < USERS_PER_WORKER * maxConcurrency; i++) {
            pool.add(registerViaApi().user);
        }
        int[] loginsOfWorker = new int[maxConcurrency];
        IntFunction<User> userOf = w -> pool.get(w + maxConcurrency * (loginsOfWorker[w]++ % USERS_PER_WORKER));
        String hashInfo = passwordHashInfo(pool.get(0));

        List<Pair> pairs = new ArrayList<>();
        for (int c : levels) {
            pairs.add(measurePair("login", c, "POST /auth/login (bundle)", (w, i) -> loginViaApi(userOf.apply(w)) != null,
                    "password grant (stock Keycloak)", (w, i) -> loginViaToken(userOf.apply(w)) != null));
        }
        long[] rssLoaded = {procStatusKb(kcPid, "VmRSS:"), procStatusKb(stockPid, "VmRSS:")};
        for (int c : levels) {
            // Refresh rotates the token, so each worker walks its own chain: every request spends the token the
            // previous one returned. Both sides start from sessions made the same way.
            String[] authChain = new String[c];
            String[] stockChain = new String[c];
            for (int w = 0; w < c; w++) {
                authChain[w] = refreshTokenOf(loginViaApi(pool.get(w)));
                stockChain[w] = refreshTokenOf(loginViaToken(pool.get(w)));
            }
            pairs.add(measurePair("refresh", c, "POST /auth/refresh (bundle)", (w, i) -> {
                if (authChain[w] == null) { // a broken chain (counted as an error) starts over
                    authChain[w] = refreshTokenOf(loginViaApi(pool.get(w)));
                }
                String spent = authChain[w];
                authChain[w] = null;
                authChain[w] = refreshTokenOf(refreshViaApi(spent));
                return authChain[w] != null;
            }, "refresh grant (stock Keycloak)", (w, i) -> {
                if (stockChain[w] == null) {
                    stockChain[w] = refreshTokenOf(loginViaToken(pool.get(w)));
                }
                String spent = stockChain[w];
                stockChain[w] = null;
                stockChain[w] = refreshTokenOf(refreshViaToken(spent));
                return stockChain[w] != null;
            }));
        }
        // the users registered here are spent later on the failure timings, one failure each
        ConcurrentLinkedQueue<User> created = new ConcurrentLinkedQueue<>();
        int registerLevel = Math.min(4, maxConcurrency);
        pairs.add(measurePair("register", registerLevel, "POST /auth/register (bundle)", (w, i) -> {
            Registered r = registerViaApi();
            created.add(r.user);
            return r.ok;
        }, "admin REST: POST users + PUT reset-password (stock Keycloak)", (w, i) -> {
            created.add(registerViaAdmin());
            return true;
        }));

        ForgotResult forgot = measureForgot(registerLevel, pool, failures);
        FailureResult fr = measureFailures(failures, new ArrayList<>(created));
        long[] rssAfter = {procStatusKb(kcPid, "VmRSS:"), procStatusKb(stockPid, "VmRSS:")};
        long[] rssPeak = {procStatusKb(kcPid, "VmHWM:"), procStatusKb(stockPid, "VmHWM:")};
        String loadAfter = loadAvg();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        Report report = new Report(pairs, forgot, fr, new long[][] {rssBefore, rssLoaded, rssAfter, rssPeak}, loadBefore, loadAfter,
                hashInfo, hash, seconds, errorSamples, slotSeconds);
        System.out.print(report.markdown());
        report.write(out);
    }

    /**
     * Warms both sides up (unmeasured: the JIT and caches would otherwise favour whichever side runs second),
     * then runs each side for {@code ROUNDS} slots of {@code slotSeconds}, alternating A B, B A, so that the load
     * of other processes on a shared machine, and any drift of the servers' state, fall on both sides alike.
     */
    private Pair measurePair(String name, int c, String authLabel, Op auth, String stockLabel, Op stock)
            throws IOException, InterruptedException {
        progress("%s c=%d: warm-up", name, c);
        runLoad(c, slotSeconds / 2, auth, kcPid);
        runLoad(c, slotSeconds / 2, stock, stockPid);
        progress("%s c=%d: measuring %d x %.0f s each side", name, c, ROUNDS, slotSeconds);
        Stats a = null;
        Stats b = null;
        for (int r = 0; r < ROUNDS; r++) {
            if (r % 2 == 0) {
                a = Stats.merge(a, runLoad(c, slotSeconds, auth, kcPid));
                b = Stats.merge(b, runLoad(c, slotSeconds, stock, stockPid));
            } else {
                b = Stats.merge(b, runLoad(c, slotSeconds, stock, stockPid));
                a = Stats.merge(a, runLoad(c, slotSeconds, auth, kcPid));
            }
        }
        return new Pair(name, c, authLabel, a, stockLabel, b);
    }

    static final int ROUNDS = 2;

    /**
     * {@code c} workers, each on its own connection, each sending its next request when the previous one is
     * answered (closed loop, as wrk does), for {@code seconds}. CPU time is that of {@code serverPid}.
     */
    private Stats runLoad(int c, double seconds, Op op, long serverPid) throws IOException, InterruptedException {
        adminToken(); // renewed here, outside the clock, rather than inside some measured request
        adminToken(stockBase);
        long[][] latencies = new long[c][];
        int[] counts = new int[c];
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger seq = new AtomicInteger();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (int w = 0; w < c; w++) {
            int worker = w;
            latencies[w] = new long[1024];
            Thread t = new Thread(() -> {
                connection.set(workerClients[worker]);
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (System.nanoTime() < deadline[0]) {
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.call(worker, seq.getAndIncrement());
                    } catch (Exception e) {
                        ok = false;
                        if (firstErrors.size() < 5) {
                            firstErrors.add(e.toString());
                        }
                    }
                    if (counts[worker] == latencies[worker].length) {
                        latencies[worker] = Arrays.copyOf(latencies[worker], counts[worker] * 2);
                    }
                    latencies[worker][counts[worker]++] = System.nanoTime() - s;
                    if (!ok) {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-" + w);
            t.start();
            threads.add(t);
        }
        long kc0 = cpuNanos(serverPid);
        long pg0 = cpuNanos(pgPid);
        long t0 = System.nanoTime();
        deadline[0] = t0 + (long) (seconds * 1e9);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - t0;
        long kcCpu = kc0 < 0 ? -1 : cpuNanos(serverPid) - kc0;
        long pgCpu = pg0 < 0 ? -1 : cpuNanos(pgPid) - pg0;
        for (String e : firstErrors) {
            progress("  error: %s", e);
            errorSamples.add(e);
        }
        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int w = 0; w < c; w++) {
            System.arraycopy(latencies[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        return new Stats(all, elapsed, errors.get(), kcCpu, pgCpu);
    }

    /**
     * forgot-password with the realm's SMTP server answering each mail after 1 s: the answer must not wait for
     * it. Load of known and unknown addresses mixed at {@code c}, then one request at a time, the two kinds
     * interleaved, for their medians (enumeration safety).
     */
    private ForgotResult measureForgot(int c, List<User> pool, int n) throws Exception {
        try (SlowSmtp smtp = new SlowSmtp(1000)) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM))
                    .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"smtpServer\":{\"host\":\"127.0.0.1\",\"port\":\""
                            + smtp.port() + "\",\"from\":\"bench@example.com\"}}")));
            check(r, 204, "realm SMTP to the slow server");
            Op forgot = (w, i) -> {
                String email = i % 2 == 0 ? pool.get(i / 2 % pool.size()).email : "nobody-f" + i + "-" + runId + "@example.com";
                return forgot(email).statusCode() == 202;
            };
            progress("forgot-password c=%d with a 1 s SMTP server", c);
            runLoad(c, slotSeconds / 2, forgot, kcPid);
            Stats load = runLoad(c, slotSeconds * ROUNDS, forgot, kcPid);
            long[][] lat = new long[2][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 2; j++) {
                    int k = (i + j) % 2;
                    String email = k == 0 ? pool.get(i % pool.size()).email : "nobody-s" + i + "-" + runId + "@example.com";
                    long s = System.nanoTime();
                    forgot(email);
                    lat[k][i] = System.nanoTime() - s;
                }
            }
            return new ForgotResult(c, load, Stats.ofLatencies(lat[0]), Stats.ofLatencies(lat[1]), smtp.accepted());
        }
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
        // the stock server has none of the bundle's authenticators: its grants run Keycloak's built-in flow
        HttpResponse<String> flows = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/authentication/flows"))
                .header("Authorization", "Bearer " + adminToken()).GET());
        check(flows, 200, "list flows");
        java.util.regex.Matcher builtIn = java.util.regex.Pattern
                .compile("\\{\"id\":\"([^\"]+)\",\"alias\":\"direct grant\"").matcher(flows.body());
        if (!builtIn.find()) {
            throw new IllegalStateException("the realm has no built-in 'direct grant' flow");
        }
        String rep = "{\"clientId\":" + q(STOCK_CLIENT) + ",\"publicClient\":true,\"directAccessGrantsEnabled\":true,"
                + "\"standardFlowEnabled\":false,\"authenticationFlowBindingOverrides\":{\"direct_grant\":" + q(builtIn.group(1)) + "}}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/admin/realms/" + REALM + "/clients"))
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rep)));
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            check(created, 201, "create " + STOCK_CLIENT);
        }
    }

    private User registerViaAdmin() throws IOException, InterruptedException {
        User u = newUser("adm");
        String token = adminToken(stockBase);
        String rep = "{\"username\":" + q(u.username) + ",\"email\":" + q(u.email) + ",\"enabled\":true}";
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(stockBase + "/admin/realms/" + REALM + "/users"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rep)));
        check(created, 201, "admin create user");
        String location = created.headers().firstValue("Location").orElseThrow();
        String id = location.substring(location.lastIndexOf('/') + 1);
        HttpResponse<String> pw = send(HttpRequest.newBuilder(URI.create(stockBase + "/admin/realms/" + REALM + "/users/" + id + "/reset-password"))
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
        return tokens(send(formOn(stockBase, "/realms/" + REALM + "/protocol/openid-connect/token",
                "grant_type", "password", "client_id", STOCK_CLIENT, "username", u.email, "password", PASSWORD, "scope", "openid")),
                "password grant");
    }

    private String refreshViaApi(String refreshToken) throws IOException, InterruptedException {
        return tokens(send(json("/realms/" + REALM + "/auth/refresh", "{\"refresh_token\":" + q(refreshToken) + "}")),
                "/auth/refresh");
    }

    private String refreshViaToken(String refreshToken) throws IOException, InterruptedException {
        return tokens(send(formOn(stockBase, "/realms/" + REALM + "/protocol/openid-connect/token",
                "grant_type", "refresh_token", "client_id", STOCK_CLIENT, "refresh_token", refreshToken)), "refresh grant");
    }

    private static String tokens(HttpResponse<String> r, String what) throws IOException {
        check(r, 200, what);
        if (!r.body().contains("\"access_token\"")) {
            throw new IOException(what + ": 200 without access_token");
        }
        return r.body();
    }

    private HttpResponse<String> forgot(String email) throws IOException, InterruptedException {
        return send(json("/realms/" + REALM + "/auth/forgot-password", "{\"email\":" + q(email) + "}"));
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

    private String adminToken() throws IOException, InterruptedException {
        return adminToken(base);
    }

    /**
     * An admin token of the given server: each server checks tokens against its own hostname, so the stock
     * server needs one of its own (the admin user is the same, in the shared database).
     */
    private synchronized String adminToken(String server) throws IOException, InterruptedException {
        // master-realm admin tokens live 60 s; a new one 30 s early outlasts any load slot
        String[] cached = adminTokens.get(server);
        if (cached == null || System.nanoTime() > Long.parseLong(cached[1])) {
            HttpResponse<String> r = send(formOn(server, "/realms/master/protocol/openid-connect/token",
                    "grant_type", "password", "client_id", "admin-cli", "username", adminUser, "password", adminPassword));
            check(r, 200, "admin token");
            long lifetime = Long.parseLong(numberField(r.body(), "expires_in"));
            cached = new String[] {field(r.body(), "access_token"),
                    Long.toString(System.nanoTime() + Duration.ofSeconds(Math.max(5, lifetime - 30)).toNanos())};
            adminTokens.put(server, cached);
        }
        return cached[0];
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
        return formOn(base, path, kv);
    }

    private HttpRequest.Builder formOn(String server, String path, String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return HttpRequest.newBuilder(URI.create(server + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(sb.toString()));
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return connection.get().send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
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

    /** A kB figure of /proc/PID/status of a Keycloak JVM: VmRSS (now) or VmHWM (peak); -1 if unknown. */
    private static long procStatusKb(long pid, String key) {
        if (pid <= 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
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

    static void progress(String format, Object... args) {
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

    record Pair(String name, int concurrency, String authLabel, Stats auth, String stockLabel, Stats stock) {
    }

    /** forgot-password: mixed load at {@code concurrency}, and the sequential known / unknown latencies. */
    record ForgotResult(int concurrency, Stats load, Stats known, Stats unknown, int mailsAccepted) {
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
