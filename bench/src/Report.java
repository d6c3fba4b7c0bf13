import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The tables of one run: Markdown for the console and README, CSV and JSON for tools and the plot. */
final class Report {

    private final List<Bench.Pair> pairs;
    private final Bench.ForgotResult forgot;
    private final Bench.FailureResult failures;
    /** [before, after the login load, at the end, peak][bundle, stock] in kB */
    private final long[][] rss;
    private final String loadBefore;
    private final String loadAfter;
    private final String hashInfo;
    private final Map<String, String> hash;
    private final long seconds;
    private final List<String> errors;
    private final double slotSeconds;

    Report(List<Bench.Pair> pairs, Bench.ForgotResult forgot, Bench.FailureResult failures, long[][] rss, String loadBefore,
           String loadAfter, String hashInfo, Map<String, String> hash, long seconds, List<String> errors, double slotSeconds) {
        this.pairs = pairs;
        this.forgot = forgot;
        this.failures = failures;
        this.rss = rss;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.hashInfo = hashInfo;
        this.hash = hash;
        this.seconds = seconds;
        this.errors = errors;
        this.slotSeconds = slotSeconds;
    }

    /** One measured row: an endpoint at one concurrency, with its ratios. */
    record Row(String operation, String side, String endpoint, int concurrency, Bench.Stats stats, double ratioRps,
               double ratioP50, double ratioP99, double ratioLimit) {
    }

    private double limit(String implementation) {
        String v = hash.get(implementation + ".limit_per_s");
        return v == null ? -1 : Double.parseDouble(v);
    }

    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Bench.Pair p : pairs) {
            boolean login = p.name().equals("login");
            Bench.Stats a = p.auth();
            Bench.Stats b = p.stock();
            rows.add(new Row(p.name(), "bundle", p.authLabel(), p.concurrency(), a, a.throughput() / b.throughput(),
                    a.percentileMs(0.5) / b.percentileMs(0.5), a.percentileMs(0.99) / b.percentileMs(0.99),
                    login && limit("native") > 0 ? a.throughput() / limit("native") : -1));
            rows.add(new Row(p.name(), "stock", p.stockLabel(), p.concurrency(), b, 1, 1, 1,
                    login && limit("java") > 0 ? b.throughput() / limit("java") : -1));
        }
        rows.add(new Row("forgot-password", "bundle", "POST /auth/forgot-password, 1 s SMTP, known+unknown",
                forgot.concurrency(), forgot.load(), -1, -1, -1, -1));
        return rows;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Closed loop (each worker sends its next request when the last is answered), each worker on "
                + "its own HTTP/1.1 keep-alive connection to 127.0.0.1, %d alternating slots of %.0f s per side and level; "
                + "stored password hash: %s.%n", Bench.ROUNDS, slotSeconds, hashInfo));
        out.append(String.format(Locale.ROOT, "Load average (1/5/15 min): %s before, %s after; driver ran %d s.%n%n", loadBefore, loadAfter, seconds));
        out.append("One argon2 hash in-process (Keycloak's parameters: argon2id, 7168 KiB, 5 iterations), limit = cores ÷ median:\n\n");
        out.append("| implementation | median ms | mean ms | p90 ms | limit logins/s | measured hashes/s, all cores |\n|---|---:|---:|---:|---:|---:|\n");
        for (String impl : new String[] {"native", "java"}) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", impl.equals("native") ? "libargon2 (bundle)" : "BouncyCastle (stock)",
                    hash.getOrDefault(impl + ".median_ms", "n/a"), hash.getOrDefault(impl + ".mean_ms", "n/a"),
                    hash.getOrDefault(impl + ".p90_ms", "n/a"), hash.getOrDefault(impl + ".limit_per_s", "n/a"),
                    hash.getOrDefault(impl + ".parallel_per_s", "n/a")));
        }
        out.append("\n| operation | c | server / endpoint | requests | errors | req/s | p50 ms | p99 ms | CPU ms/req Keycloak | "
                + "req/s ÷ stock | p99 ÷ stock | req/s ÷ limit |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows()) {
            Bench.Stats s = r.stats();
            out.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d | %.1f | %.1f | %.1f | %s | %s | %s | %s |%n", r.operation(),
                    r.concurrency(), r.endpoint(), s.count(), s.errors, s.throughput(), s.percentileMs(0.5), s.percentileMs(0.99),
                    num(s.cpuMsPerRequest(s.kcCpuNanos), 1), r.side().equals("stock") ? "1" : num(r.ratioRps(), 2),
                    r.side().equals("stock") ? "1" : num(r.ratioP99(), 2), num(r.ratioLimit(), 2)));
        }
        out.append(String.format(Locale.ROOT, "%nforgot-password one at a time (1 s SMTP): known p50 %.1f ms, unknown p50 %.1f ms "
                        + "(unknown ÷ known %.2f); p99 known %.1f / unknown %.1f ms; mails the slow server accepted: %d%n",
                forgot.known().percentileMs(0.5), forgot.unknown().percentileMs(0.5),
                forgot.unknown().percentileMs(0.5) / forgot.known().percentileMs(0.5),
                forgot.known().percentileMs(0.99), forgot.unknown().percentileMs(0.99), forgot.mailsAccepted()));
        out.append("\nLogin failures at POST /auth/login, one request at a time (enumeration safety):\n\n");
        out.append("| case | requests | p50 ms | p90 ms | p99 ms | p50 ÷ wrong-password p50 |\n|---|---:|---:|---:|---:|---:|\n");
        Bench.Stats wrong = Bench.Stats.ofLatencies(failures.latencies()[0]);
        for (int k = 0; k < failures.kinds().length; k++) {
            Bench.Stats s = Bench.Stats.ofLatencies(failures.latencies()[k]);
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", failures.kinds()[k], s.count(),
                    s.percentileMs(0.5), s.percentileMs(0.9), s.percentileMs(0.99), s.percentileMs(0.5) / wrong.percentileMs(0.5)));
        }
        out.append(String.format(Locale.ROOT, "%nResponses: %s%s%n", failures.bodies().size() == 1
                        ? "all " + failures.bodies().values().iterator().next() + " identical: " + failures.bodies().keySet().iterator().next()
                        : failures.bodies().size() + " different status/body combinations: " + failures.bodies(),
                failures.unexpected() > 0 ? "; " + failures.unexpected() + " were not 401" : ""));
        out.append("\n| Keycloak JVM RSS, MiB | bundle | stock | bundle − stock |\n|---|---:|---:|---:|\n");
        String[] when = {"before (ready, idle)", "after the login load", "at the end", "peak (VmHWM)"};
        for (int i = 0; i < when.length; i++) {
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", when[i], mib(rss[i][0]), mib(rss[i][1]),
                    rss[i][0] < 0 || rss[i][1] < 0 ? "n/a" : mib(rss[i][0] - rss[i][1])));
        }
        out.append(goals());
        if (!errors.isEmpty()) {
            out.append("\nErrors (first few of each slot):\n\n");
            errors.forEach(e -> out.append("- ").append(e).append('\n'));
        }
        return out.toString();
    }

    /** The goals, each with the figure this run measured (met or not: a benchmark never fails). */
    private String goals() {
        StringBuilder g = new StringBuilder("\n| goal | measured | met |\n|---|---|---|\n");
        for (Row r : rows()) {
            if (r.operation().equals("login") && r.side().equals("bundle")) {
                if (r.concurrency() >= 4) {
                    g.append(goal("login c=" + r.concurrency() + ": req/s ≥ 2.5 × stock", num(r.ratioRps(), 2) + "×", r.ratioRps() >= 2.5));
                    g.append(goal("login c=" + r.concurrency() + ": p99 ≤ 0.5 × stock", num(r.ratioP99(), 2) + "×", r.ratioP99() <= 0.5));
                }
                g.append(goal("login c=" + r.concurrency() + ": req/s ≥ 0.6 × native limit", num(r.ratioLimit(), 2) + "×", r.ratioLimit() >= 0.6));
            }
            if (r.operation().equals("refresh") && r.side().equals("bundle")) {
                g.append(goal("refresh c=" + r.concurrency() + ": req/s ≥ 1.0 × stock", num(r.ratioRps(), 2) + "×", r.ratioRps() >= 1.0));
            }
        }
        double p99 = Math.max(forgot.load().percentileMs(0.99), Math.max(forgot.known().percentileMs(0.99), forgot.unknown().percentileMs(0.99)));
        g.append(goal("forgot-password p99 < 50 ms (1 s SMTP)", String.format(Locale.ROOT, "%.1f ms", p99), p99 < 50));
        double f = forgot.unknown().percentileMs(0.5) / forgot.known().percentileMs(0.5);
        g.append(goal("forgot known vs unknown medians within 5 %", num(f, 3), Math.abs(f - 1) <= 0.05));
        Bench.Stats wrong = Bench.Stats.ofLatencies(failures.latencies()[0]);
        Bench.Stats unknown = Bench.Stats.ofLatencies(failures.latencies()[1]);
        double l = unknown.percentileMs(0.5) / wrong.percentileMs(0.5);
        g.append(goal("login known (wrong password) vs unknown medians within 5 %", num(l, 3), Math.abs(l - 1) <= 0.05));
        if (rss[1][0] > 0 && rss[1][1] > 0) {
            long d = Math.max(rss[1][0] - rss[1][1], rss[3][0] - rss[3][1]);
            g.append(goal("RSS bundle ≤ stock + 50 MB (after the login load and peak)", mib(d) + " MiB", d <= 50 * 1024));
        }
        return g.toString();
    }

    private static String goal(String what, String measured, boolean met) {
        return "| " + what + " | " + measured + " | " + (met ? "yes" : "**no**") + " |\n";
    }

    void write(Path prefix) throws IOException {
        StringBuilder csv = new StringBuilder("operation,side,endpoint,concurrency,requests,errors,req_per_s,p50_ms,p99_ms,"
                + "cpu_ms_per_req,ratio_req_per_s_to_stock,ratio_p99_to_stock,ratio_to_limit\n");
        StringBuilder json = new StringBuilder("{\"hash\":{");
        json.append(String.join(",", hash.entrySet().stream().map(e -> q(e.getKey()) + ":" + q(e.getValue())).toList()));
        json.append("},\"rows\":[");
        List<String> items = new ArrayList<>();
        for (Row r : rows()) {
            Bench.Stats s = r.stats();
            csv.append(String.format(Locale.ROOT, "%s,%s,\"%s\",%d,%d,%d,%.2f,%.2f,%.2f,%s,%s,%s,%s%n", r.operation(), r.side(),
                    r.endpoint(), r.concurrency(), s.count(), s.errors, s.throughput(), s.percentileMs(0.5), s.percentileMs(0.99),
                    num(s.cpuMsPerRequest(s.kcCpuNanos), 2), num(r.ratioRps(), 3), num(r.ratioP99(), 3), num(r.ratioLimit(), 3)));
            items.add(String.format(Locale.ROOT, "{\"operation\":%s,\"side\":%s,\"endpoint\":%s,\"concurrency\":%d,\"requests\":%d,"
                            + "\"errors\":%d,\"req_per_s\":%.2f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"ratio_req_per_s_to_stock\":%s,"
                            + "\"ratio_p99_to_stock\":%s,\"ratio_to_limit\":%s}", q(r.operation()), q(r.side()), q(r.endpoint()),
                    r.concurrency(), s.count(), s.errors, s.throughput(), s.percentileMs(0.5), s.percentileMs(0.99),
                    jnum(r.ratioRps()), jnum(r.ratioP99()), jnum(r.ratioLimit())));
        }
        json.append(String.join(",", items)).append("],");
        json.append(String.format(Locale.ROOT, "\"forgot_sequential\":{\"known_p50_ms\":%.2f,\"unknown_p50_ms\":%.2f,\"known_p99_ms\":%.2f,"
                        + "\"unknown_p99_ms\":%.2f},", forgot.known().percentileMs(0.5), forgot.unknown().percentileMs(0.5),
                forgot.known().percentileMs(0.99), forgot.unknown().percentileMs(0.99)));
        Bench.Stats wrong = Bench.Stats.ofLatencies(failures.latencies()[0]);
        Bench.Stats unknown = Bench.Stats.ofLatencies(failures.latencies()[1]);
        Bench.Stats disabled = Bench.Stats.ofLatencies(failures.latencies()[2]);
        json.append(String.format(Locale.ROOT, "\"login_failures_p50_ms\":{\"wrong_password\":%.2f,\"unknown_email\":%.2f,\"disabled_user\":%.2f},",
                wrong.percentileMs(0.5), unknown.percentileMs(0.5), disabled.percentileMs(0.5)));
        json.append(String.format(Locale.ROOT, "\"rss_kib\":{\"bundle\":[%d,%d,%d,%d],\"stock\":[%d,%d,%d,%d],\"order\":[\"before\",\"after_login_load\",\"end\",\"peak\"]},",
                rss[0][0], rss[1][0], rss[2][0], rss[3][0], rss[0][1], rss[1][1], rss[2][1], rss[3][1]));
        json.append(String.format(Locale.ROOT, "\"load_average\":{\"before\":%s,\"after\":%s},\"seconds\":%d}%n", q(loadBefore), q(loadAfter), seconds));
        Files.writeString(Path.of(prefix + ".csv"), csv.toString());
        Files.writeString(Path.of(prefix + ".json"), json.toString());
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String num(double v, int decimals) {
        return v < 0 || Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String jnum(double v) {
        return v < 0 || Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String mib(long kb) {
        return kb == -1 ? "n/a" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }
}
