import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * bench/target/results-*.png from the run's CSV: req/s of the bundle and of stock Keycloak per concurrency, for
 * login (with the limits cores ÷ hash time of both implementations) and refresh. Java2D, headless.
 *
 * <p>Usage: {@code java Plot results.csv hash.properties out.png}
 */
public final class Plot {

    private static final Color BUNDLE = new Color(0x1f77b4);
    private static final Color STOCK = new Color(0xff7f0e);

    record Bar(String operation, String side, int concurrency, double rps, double p99) {
    }

    public static void main(String[] args) throws IOException {
        List<Bar> bars = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0])).subList(1, Files.readAllLines(Path.of(args[0])).size())) {
            String[] f = line.replaceAll("\"[^\"]*\"", "x").split(",");
            bars.add(new Bar(f[0], f[1], Integer.parseInt(f[3]), Double.parseDouble(f[6]), Double.parseDouble(f[8])));
        }
        Map<String, String> hash = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                hash.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        int w = 1100;
        int h = 480;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        panel(g, 20, "login: /auth/login (bundle) vs password grant (stock)", bars, "login",
                parse(hash.get("native.limit_per_s")), parse(hash.get("java.limit_per_s")));
        panel(g, 570, "refresh: /auth/refresh (bundle) vs refresh grant (stock)", bars, "refresh", -1, -1);
        g.setColor(BUNDLE);
        g.fillRect(30, h - 28, 14, 14);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("bundle (libargon2)", 50, h - 16);
        g.setColor(STOCK);
        g.fillRect(200, h - 28, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("stock Keycloak 26.7.3 (BouncyCastle)", 220, h - 16);
        g.drawString("dashed: limit = cores ÷ one hash (blue: native, orange: Java). x: concurrency; labels: p99 ms", 480, h - 16);
        g.dispose();
        ImageIO.write(image, "png", Path.of(args[2]).toFile());
    }

    private static double parse(String v) {
        return v == null ? -1 : Double.parseDouble(v);
    }

    private static void panel(Graphics2D g, int x0, String title, List<Bar> all, String operation, double limitNative, double limitJava) {
        List<Bar> bars = all.stream().filter(b -> b.operation().equals(operation)).toList();
        int top = 50;
        int height = 340;
        int width = 500;
        double max = Math.max(bars.stream().mapToDouble(Bar::rps).max().orElse(1), Math.max(limitNative, limitJava)) * 1.15;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(x0 + 40, top + height, x0 + 40 + width - 50, top + height);
        g.drawLine(x0 + 40, top, x0 + 40, top + height);
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = top + height - (int) (height * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + 41, y, x0 + 40 + width - 50, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f", v), x0, y + 4);
        }
        g.drawString("req/s", x0, top - 8);
        List<Integer> levels = bars.stream().map(Bar::concurrency).distinct().sorted().toList();
        int group = (width - 60) / Math.max(1, levels.size());
        for (int i = 0; i < levels.size(); i++) {
            int c = levels.get(i);
            int gx = x0 + 50 + i * group;
            int bw = group / 3;
            int k = 0;
            for (String side : new String[] {"bundle", "stock"}) {
                for (Bar b : bars) {
                    if (b.concurrency() == c && b.side().equals(side)) {
                        int bh = (int) (height * b.rps() / max);
                        int bx = gx + k * (bw + 4) + group / 8;
                        g.setColor(side.equals("bundle") ? BUNDLE : STOCK);
                        g.fillRect(bx, top + height - bh, bw, bh);
                        g.setColor(Color.BLACK);
                        g.drawString(String.format(Locale.ROOT, "%.1f/s", b.rps()), bx, top + height - bh - 16);
                        g.drawString(String.format(Locale.ROOT, "p99 %.0f", b.p99()), bx, top + height - bh - 4);
                    }
                }
                k++;
            }
            g.setColor(Color.BLACK);
            g.drawString("c=" + c, gx + group / 3, top + height + 16);
        }
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        for (double[] limit : new double[][] {{limitNative, 0}, {limitJava, 1}}) {
            if (limit[0] > 0) {
                int y = top + height - (int) (height * limit[0] / max);
                g.setColor(limit[1] == 0 ? BUNDLE : STOCK);
                g.drawLine(x0 + 41, y, x0 + 40 + width - 50, y);
            }
        }
        g.setStroke(new BasicStroke(1));
    }
}
