package dev.muserving.e2e;

import java.util.Locale;
import java.util.Map;

/**
 * A run's timeline as a small SVG: replicas (desired and ready) on the left axis, the p99 latency
 * of each second's requests on the right one (log scale), offered rate as a shaded band.
 */
final class TimelineSvg {

    /** One second of the run. */
    record Second(int second, int offeredRps, int desired, int ready, Double p99Millis) {}

    private static final int WIDTH = 760;
    private static final int HEIGHT = 320;
    private static final int LEFT = 50;
    private static final int RIGHT = 60;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private TimelineSvg() {}

    static String render(String title, java.util.List<Second> seconds, Map<String, String> notes) {
        int last = seconds.get(seconds.size() - 1).second();
        int maxReplicas = Math.max(1, seconds.stream().mapToInt(s -> Math.max(s.desired(), s.ready())).max().orElse(1));
        int maxRps = Math.max(1, seconds.stream().mapToInt(Second::offeredRps).max().orElse(1));
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>%n", LEFT, escape(title)));
        StringBuilder band = new StringBuilder();
        StringBuilder desired = new StringBuilder();
        StringBuilder ready = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        for (Second s : seconds) {
            double x = LEFT + plotW * s.second() / Math.max(1, last);
            band.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH * (1 - 0.9 * s.offeredRps() / maxRps)));
            desired.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH * (1 - (double) s.desired() / maxReplicas)));
            ready.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH * (1 - (double) s.ready() / maxReplicas)));
            if (s.p99Millis() != null) {
                double logMs = Math.log10(Math.max(1, s.p99Millis()));
                p99.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH * (1 - logMs / 5)));
            }
        }
        svg.append(String.format(Locale.ROOT, "<polygon points=\"%.1f,%.1f %s%.1f,%.1f\" fill=\"#e8eef8\"/>%n",
                (double) LEFT, TOP + plotH, band, LEFT + plotW, TOP + plotH));
        svg.append(line(desired, "#1f5fbf", "")).append(line(ready, "#2a9d4b", "stroke-dasharray=\"5,3\"")).append(line(p99, "#c0392b", ""));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>%n", LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (int r = 0; r <= maxReplicas; r += Math.max(1, maxReplicas / 5)) {
            double y = TOP + plotH * (1 - (double) r / maxReplicas);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n", LEFT - 6, y + 4, r));
        }
        for (int decade = 0; decade <= 5; decade++) {
            double y = TOP + plotH * (1 - decade / 5.0);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c0392b\">%s</text>%n", LEFT + plotW + 6, y + 4,
                    decade < 3 ? (int) Math.pow(10, decade) + " ms" : (int) Math.pow(10, decade - 3) + " s"));
        }
        for (int t = 0; t <= last; t += 30) {
            double x = LEFT + plotW * t / Math.max(1, last);
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%ds</text>%n", x, TOP + plotH + 16, t));
        }
        int y = HEIGHT - 8;
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"><tspan fill=\"#1f5fbf\">— desired replicas</tspan>  "
                + "<tspan fill=\"#2a9d4b\">- - ready</tspan>  <tspan fill=\"#c0392b\">— p99 (right, log)</tspan>  "
                + "<tspan fill=\"#8aa4cc\">▮ offered rps (max %d)</tspan></text>%n", LEFT, y, maxRps));
        int noteY = TOP + 14;
        for (Map.Entry<String, String> note : notes.entrySet()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">%s: %s</text>%n", LEFT + 10, noteY,
                    escape(note.getKey()), escape(note.getValue())));
            noteY += 14;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String line(StringBuilder points, String color, String extra) {
        return points.isEmpty() ? "" : String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" %s/>%n",
                points.toString().trim(), color, extra);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
