package dev.muserving.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * family.svg: per figure and system, each scenario's ratio to the baseline as a dot on a log scale
 * from 0.1x to 10x (beyond it, at the edge), the 10th–90th percentile as a bar and the median as a
 * tick. Left of 1x is better for every figure except those marked "higher is better".
 */
public final class FamilyChart {

    private static final double MIN_RATIO = 0.1;
    private static final double MAX_RATIO = 10;
    private static final int LABEL_WIDTH = 250;
    private static final int PLOT_WIDTH = 560;
    private static final int ROW = 22;
    private static final int TOP = 50;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

    private FamilyChart() {}

    public static String svg(FamilySummary family) {
        List<String> systems = family.systems().stream().filter(s -> !s.equals(family.baseline())).toList();
        int rows = family.ratios().size() * systems.size();
        int height = TOP + rows * ROW + 30;
        int width = LABEL_WIDTH + PLOT_WIDTH + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"10\" y=\"18\" font-size=\"14\">Family %d, %d scenarios: each scenario's figure ÷ %s's (dots), 10th–90th percentile (bar), median (tick)</text>%n",
                family.familySeed(), family.scenarios(), escape(family.baseline())));
        for (double tick : new double[] {0.1, 0.2, 0.5, 1, 2, 5, 10}) {
            double x = x(tick);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" %s/>%n",
                    x, TOP - 8, x, TOP + rows * ROW, tick == 1 ? "#000" : "#ccc", tick == 1 ? "stroke-dasharray=\"4 3\"" : ""));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%sx</text>%n",
                    x, TOP - 12, tick < 1 ? Double.toString(tick) : Integer.toString((int) tick)));
        }
        int row = 0;
        for (Map.Entry<String, Map<String, FamilySummary.Ratio>> figure : family.ratios().entrySet()) {
            String label = figure.getKey() + (Measures.HIGHER_IS_BETTER.contains(figure.getKey()) ? " (higher is better)" : "");
            for (int s = 0; s < systems.size(); s++) {
                FamilySummary.Ratio ratio = figure.getValue().get(systems.get(s));
                double y = TOP + row * ROW + ROW / 2.0;
                String colour = COLOURS[s % COLOURS.length];
                if (row % 2 == 0) {
                    svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f6f6\"/>%n",
                            y - ROW / 2.0, width, ROW));
                }
                svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%.1f\">%s</text>%n", y + 4,
                        escape(s == 0 ? label : "")));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">%s %d/%d</text>%n",
                        LABEL_WIDTH - 6, y + 4, colour, escape(systems.get(s)), ratio.noWorse(), ratio.of()));
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"8\" fill=\"%s\" fill-opacity=\"0.25\"/>%n",
                        x(ratio.p10()), y - 4, Math.max(1, x(ratio.p90()) - x(ratio.p10())), colour));
                for (int i = 0; i < ratio.values().size(); i++) {
                    double jitter = ((i * 7919) % 11 - 5) * 1.2;
                    svg.append(String.format(Locale.ROOT,
                            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\" fill-opacity=\"0.45\"/>%n",
                            x(ratio.values().get(i)), y + jitter, colour));
                }
                double median = x(ratio.median());
                svg.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-width=\"2\"/>%n",
                        median, y - 8, median, y + 8));
                row++;
            }
        }
        svg.append(String.format(Locale.ROOT,
                "<text x=\"10\" y=\"%d\" fill=\"#555\">n/m beside a system: scenarios where it is no worse than %s. Ratios beyond 0.1x–10x sit at the edge.</text>%n",
                TOP + rows * ROW + 20, escape(family.baseline())));
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The horizontal position of a ratio on the log scale; NaN and beyond-range values at the edges. */
    static double x(double ratio) {
        double clamped = Double.isNaN(ratio) ? 1 : Math.max(MIN_RATIO, Math.min(MAX_RATIO, ratio));
        double share = (Math.log10(clamped) - Math.log10(MIN_RATIO)) / (Math.log10(MAX_RATIO) - Math.log10(MIN_RATIO));
        return LABEL_WIDTH + 10 + share * PLOT_WIDTH;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
