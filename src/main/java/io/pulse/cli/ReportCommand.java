package io.pulse.cli;

import io.pulse.actions.SinkDatabase;
import io.pulse.portfolio.LowShareGrades;
import io.pulse.portfolio.PortfolioMatrix;
import io.pulse.portfolio.PortfolioQuery;
import io.pulse.portfolio.PortfolioReport;
import io.pulse.rules.pack.RuleCompilationException;
import io.pulse.rules.pack.RuleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** `pulse report ...`: reports over the action table. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Reports over the action table.",
        subcommands = {ReportCommand.Portfolio.class})
final class ReportCommand {

    @Command(name = "portfolio", mixinStandardHelpOptions = true,
            description = {"The portfolio view: industry x size segment matrix of the share of Low-band accounts, "
                    + "each customer as of its latest evaluation, graded High / Elevated / Watch / Stable by "
                    + "portfolioGrades in the rule pack's parameters.json; totals per industry, per size and overall.",
                    "Exit 1 when the sink or the parameters cannot be read."})
    static final class Portfolio implements Callable<Integer> {
        @Option(names = "--sink", defaultValue = DemoCommand.DEFAULT_SINK,
                description = "JDBC URL of the action table, SQLite or PostgreSQL (default: ${DEFAULT-VALUE}, the demo's).")
        String sink;

        @Option(names = "--rules", defaultValue = "rules",
                description = "Rule pack whose parameters.json holds the grade thresholds (default: ${DEFAULT-VALUE}).")
        Path rules;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            LowShareGrades grades;
            try {
                grades = LowShareGrades.of(RuleSet.load(rules).parameters().getPortfolioGrades());
            } catch (IOException e) {
                err.println("pulse report portfolio: --rules: cannot read the rule pack: " + CliErrors.describe(e));
                return 1;
            } catch (RuleCompilationException e) {
                e.problems().forEach(p -> err.println(rules + "/" + p));
                return 1;
            }
            SinkDatabase db = Reachability.database("--sink", sink, false);
            if (db.sqlite() && !Files.isRegularFile(db.sqliteFile())) {
                err.println("pulse report portfolio: no action table at " + db.sqliteFile()
                        + " (create one with `pulse demo` or `pulse replay --sink " + sink + "`)");
                return 1;
            }
            try {
                db.createSchema(); // a table from before the industry and size columns gets them
                PortfolioMatrix matrix = PortfolioQuery.matrix(db, grades);
                out.print(json ? PortfolioReport.json(matrix) + "\n" : PortfolioReport.text(matrix));
                out.flush();
                return 0;
            } catch (SQLException e) {
                err.println("pulse report portfolio: database error at " + sink + ": " + e.getMessage());
                return 1;
            }
        }
    }
}
