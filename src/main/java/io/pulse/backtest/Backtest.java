package io.pulse.backtest;

import io.pulse.history.HistoryDatabase;
import io.pulse.rules.pack.RuleSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A backtest: the history's window (SQLite or any JDBC database: {@link HistoryDatabase}) replayed
 * through the real job with a rule set (and a challenger), each run's recommendation changes logged into its own SQLite file in the output
 * directory, then scored against the outcomes in the history. Writes {@code report.html},
 * {@code metrics.json}, {@code recommendations-<role>.csv} and, with a challenger,
 * {@code diff.csv}.
 */
public final class Backtest {
    public static final String CHAMPION = "champion";
    public static final String CHALLENGER = "challenger";

    /** What to run. {@code challenger} and {@code team} may be null. */
    public record Options(HistoryDatabase history, Path rules, Path challenger, BacktestWindow window, Path out,
                          int parallelism, Team team, boolean progress) {
        /** A backtest of a SQLite history file. */
        public Options(Path history, Path rules, Path challenger, BacktestWindow window, Path out,
                       int parallelism, Team team, boolean progress) {
            this(HistoryDatabase.sqlite(history.toAbsolutePath()), rules, challenger, window, out, parallelism,
                    team, progress);
        }

        public Options {
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(rules, "rules");
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(out, "out");
        }
    }

    /** What a backtest found; {@code challenger}, its gaps and {@code diff} are null without a challenger. */
    public record Result(BacktestWindow window, BacktestWindow evaluated, Scores champion,
                         List<FieldCoverage.Gap> championGaps, Scores challenger, List<FieldCoverage.Gap> challengerGaps,
                         ChallengerDiff.Result diff, List<BacktestJob.Run> runs) {
        /** The champion's figures for one action, or null if it never flagged it. */
        public Scores.SegmentScore championAction(String action) {
            return find(champion, action);
        }

        public Scores.SegmentScore challengerAction(String action) {
            return find(challenger, action);
        }

        private static Scores.SegmentScore find(Scores s, String action) {
            return s == null ? null : s.actions().stream().filter(a -> a.segment().name().equals(action))
                    .findFirst().orElse(null);
        }

        /** Seconds the job runs took, start-up included. */
        public double jobSeconds() {
            return runs.stream().mapToDouble(BacktestJob.Run::seconds).sum();
        }

        public long eventsRead() {
            return runs.isEmpty() ? 0 : runs.get(0).events();
        }
    }

    private Backtest() {}

    public static Result run(Options o) throws Exception {
        Path historyFile = o.history().sqliteFile();
        if (historyFile != null && !Files.isRegularFile(historyFile)) {
            throw new IllegalArgumentException("no history database at " + historyFile);
        }
        Files.createDirectories(o.out());
        String historyUrl = o.history().url();
        RuleSet champion = RuleSet.load(o.rules());
        RuleSet challenger = o.challenger() == null ? null : RuleSet.load(o.challenger());

        // Both rule sets are scored on the part of the window where every field either reads exists.
        List<FieldCoverage.Gap> championGaps = FieldCoverage.gaps(champion, historyUrl, o.window());
        List<FieldCoverage.Gap> challengerGaps =
                challenger == null ? List.of() : FieldCoverage.gaps(challenger, historyUrl, o.window());
        BacktestWindow evaluated = FieldCoverage.evaluatedPart(o.window(), concat(championGaps, challengerGaps));

        BacktestJob.Run championRun = BacktestJob.run(historyUrl, champion, o.window(), o.parallelism(),
                o.out().resolve(CHAMPION + ".sqlite"), CHAMPION, o.progress());
        BacktestJob.Run challengerRun = challenger == null ? null : BacktestJob.run(historyUrl, challenger,
                o.window(), o.parallelism(), o.out().resolve(CHALLENGER + ".sqlite"), CHALLENGER, o.progress());

        Map<String, List<Outcomes.Outcome>> outcomes = Outcomes.read(historyUrl);
        Scorer scorer = new Scorer(evaluated, outcomes, o.team());
        Map<String, Timeline> championTimelines = Timeline.of(RecommendationLog.read(championRun.logUrl()));
        Scores championScores = scorer.score(name(o.rules()), champion.version(), championTimelines,
                RecommendationLog.deadLetters(championRun.logUrl()));
        CsvFiles.recommendations(championRun.logUrl(), CHAMPION, o.out().resolve("recommendations-champion.csv"));

        Scores challengerScores = null;
        ChallengerDiff.Result diff = null;
        if (challenger != null) {
            Map<String, Timeline> challengerTimelines = Timeline.of(RecommendationLog.read(challengerRun.logUrl()));
            challengerScores = scorer.score(name(o.challenger()), challenger.version(), challengerTimelines,
                    RecommendationLog.deadLetters(challengerRun.logUrl()));
            diff = ChallengerDiff.compare(championTimelines, challengerTimelines, evaluated, championRun.logUrl(),
                    challengerRun.logUrl());
            CsvFiles.recommendations(challengerRun.logUrl(), CHALLENGER,
                    o.out().resolve("recommendations-challenger.csv"));
            CsvFiles.diff(diff, o.out().resolve("diff.csv"));
        }
        Result result = new Result(o.window(), evaluated, championScores, championGaps, challengerScores,
                challenger == null ? null : challengerGaps, diff,
                challengerRun == null ? List.of(championRun) : List.of(championRun, challengerRun));
        MetricsJson.write(o.out().resolve("metrics.json"), result);
        BacktestReport.write(o.out().resolve("report.html"), result, o.team());
        return result;
    }

    private static String name(Path rulesDir) {
        return rulesDir.toAbsolutePath().normalize().getFileName().toString();
    }

    private static List<FieldCoverage.Gap> concat(List<FieldCoverage.Gap> a, List<FieldCoverage.Gap> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
