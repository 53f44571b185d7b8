package io.imagefleet.local.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bench's PNG charts, drawn with JFreeChart. Stateless. */
final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    private Charts() {
    }

    /** Images per second against the cores used (processes x threads), one line per system. */
    static void throughput(List<Run> runs, Path png) throws IOException {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Run r : runs) {
            String name = switch (r.system()) {
                case "in-process" -> "in-process (1 JVM, N threads)";
                case "fleet" -> "fleet (N JVMs x " + r.threads() + " thread" + (r.threads() == 1 ? "" : "s") + ")";
                default -> r.system() + " (N processes)";
            };
            series.computeIfAbsent(name, n -> new XYSeries(n, true, true)).addOrUpdate(r.cores(), r.imagesPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Throughput against processes",
                "processes x threads (cores used)", "images per second", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(true);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Latency against percentile, one line per named run. */
    static void latency(Map<String, Latencies> runs, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Latencies> e : runs.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            XYSeries s = new XYSeries(e.getKey(), true, true);
            for (double p = 0; p <= 99; p += 1) {
                s.addOrUpdate(p, e.getValue().percentile(Math.max(p, 0.0001)));
            }
            for (double p : new double[] {99.5, 99.9, 100}) {
                s.addOrUpdate(p, e.getValue().percentile(p));
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Latency distribution", "percentile",
                "latency (ms)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = style(chart);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 100);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Images finished per second of each run, over the run, as steps; {@code marks} (seconds) are drawn as recycles. */
    static void timeline(List<Run> runs, List<Double> marks, Path png) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Run r : runs) {
            String name = r.system() + " " + r.shape();
            for (int n = 2; data.getSeriesIndex(name) >= 0; n++) {
                name = r.system() + " " + r.shape() + " (" + n + ")";
            }
            XYSeries s = new XYSeries(name, true, true);
            long lastSecond = r.doneAtMs().stream().mapToLong(Long::longValue).max().orElse(0) / 1000;
            int[] perSecond = new int[(int) lastSecond + 1];
            r.doneAtMs().forEach(ms -> perSecond[(int) (ms / 1000)]++);
            for (int sec = 0; sec < perSecond.length; sec++) {
                s.add(sec, perSecond[sec]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Images finished per second during the run",
                "seconds from the first job", "images finished in that second", data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = style(chart);
        XYStepRenderer renderer = new XYStepRenderer();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(1.5f));
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setRenderer(renderer);
        for (double at : marks) {
            ValueMarker m = new ValueMarker(at, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1f, new float[] {4f, 4f}, 0f));
            m.setLabel("recycle");
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
            plot.addDomainMarker(m);
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    private static XYPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        return plot;
    }
}
