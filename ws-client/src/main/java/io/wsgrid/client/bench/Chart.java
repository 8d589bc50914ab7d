package io.wsgrid.client.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

/**
 * A PNG of the benchmark's cost figures: one panel per scenario, a horizontal bar per server, lower is better. Drawn
 * with Java2D (headless), no charting library.
 */
public final class Chart {

    private record Panel(String scenario, String key, String title) {
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("fanout", "server_cpu_us_per_delivery", "Fan-out: server CPU per delivered message (µs, lower is better)"),
            new Panel("echo", "server_cpu_us_per_round_trip", "Relay: proxy CPU per echo round trip (µs, lower is better)"),
            new Panel("direct", "latency_p99_us", "Cluster: p99 latency of user messages (µs, lower is better)"));

    private Chart() {
    }

    public static void write(List<Report.Row> rows, Path png) throws IOException {
        int width = 900;
        int rowHeight = 26;
        int panelGap = 50;
        int height = 30;
        for (Panel p : PANELS) {
            height += panelGap + rowHeight * (int) rows.stream().filter(r -> r.scenario().equals(p.scenario())).count();
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        int y = 20;
        for (Panel p : PANELS) {
            List<Report.Row> panel = rows.stream().filter(r -> r.scenario().equals(p.scenario()) && !Double.isNaN(r.number(p.key()))).toList();
            if (panel.isEmpty()) {
                continue;
            }
            y += 30;
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(p.title(), 20, y - 8);
            double max = panel.stream().mapToDouble(r -> r.number(p.key())).max().orElse(1);
            for (Report.Row r : panel) {
                double v = r.number(p.key());
                int bar = (int) Math.max(2, (width - 330) * v / max);
                boolean ours = r.label().startsWith("ws-node") || r.label().startsWith("gateway") || r.label().startsWith("redis")
                        || r.label().startsWith("rabbitmq") || r.label().startsWith("memory");
                g.setColor(ours ? new Color(0x2F6FB5) : new Color(0xB0B0B0));
                g.fillRect(200, y, bar, rowHeight - 8);
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString(r.label(), 20, y + 13);
                g.drawString(String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%.2f", v), 210 + bar, y + 13);
                y += rowHeight;
            }
            g.setColor(Color.LIGHT_GRAY);
            g.setStroke(new BasicStroke(1));
            g.drawLine(20, y + 6, width - 20, y + 6);
            y += 20;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }
}
