package io.pulse.server;

import io.pulse.actions.ActionSink;
import io.pulse.actions.QueueSink;
import io.pulse.model.Recommendation;
import io.pulse.model.ScorePoint;
import io.pulse.queue.StoryChart;
import org.apache.flink.types.Either;
import org.openqa.selenium.JavascriptExecutor;
import io.pulse.queue.ActionQueue;
import io.pulse.queue.QueueFilter;
import io.pulse.queue.QueuedAction;
import io.pulse.queue.Status;
import io.pulse.queue.Transition;
import io.pulse.testing.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The CSM page in headless Chromium: pick the top action, claim it, mark it done; see your own
 * accounts first; open a customer's story with its chart; a colleague's claimed action cannot be finished.
 */
class QueuePageTest {
    @TempDir
    Path dir;

    @Test
    void aCsmClaimsTheTopActionAndMarksItDone() throws Exception {
        String url = ServerFixtures.queueOfTwo(dir);
        try (ActionQueue queue = ActionQueue.open(url, 4, Clock.systemUTC());
             QueueServer server = QueueServer.start(queue, ServerFixtures.TOKENS, 0);
             HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver page = chromium.driver();
            WebDriverWait wait = signIn(page, server, ServerFixtures.DANA_TOKEN);

            By rows = By.cssSelector("#queue tbody tr");
            wait.until(d -> d.findElements(rows).size() == 2);
            assertThat(page.findElements(rows).get(0).getText()).as("priority order").contains("acme.com");
            page.findElements(rows).get(0).click();
            wait.until(d -> d.findElement(By.id("detail")).getText().contains("High value at high risk"));

            page.findElement(By.id("note")).sendKeys("calling the sponsor");
            page.findElement(By.id("claim")).click();
            wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("CLAIMED"));
            assertThat(page.findElement(By.id("detail")).getText()).contains("by dana");

            new Select(page.findElement(By.id("outcome"))).selectByValue("saved");
            page.findElement(By.id("done")).click();
            wait.until(d -> d.findElement(By.id("detail-status")).getText().equals("DONE"));
            wait.until(d -> d.findElements(rows).size() == 1); // the live queue no longer shows it
            assertThat(page.findElement(By.id("history")).getText()).contains("OPEN \u2192 CLAIMED", "CLAIMED \u2192 DONE");

            QueuedAction done = queue.list(new QueueFilter(EnumSet.of(Status.DONE), null, null, null, null, 10)).get(0);
            assertThat(done.customerId()).isEqualTo("acme.com");
            assertThat(done.outcome()).isEqualTo("saved");
            assertThat(queue.show(done.id()).history()).extracting(Transition::actor, Transition::to, Transition::note)
                    .containsExactly(tuple("pipeline", "OPEN", "recommended"), tuple("dana", "CLAIMED", "calling the sponsor"),
                            tuple("dana", "DONE", null));
        }
    }

    @Test
    void aCsmOpensACustomersStoryWithItsChartTheBandChangeAndWhatMovedTheScore() throws Exception {
        String url = ServerFixtures.queueOfTwo(dir);
        try (QueueSink.Writer writer = new QueueSink.Writer(url, ActionSink.Batching.defaults(), null)) {
            // acme.com falls from High to Medium as its activity drops; beta.io's point is not its story
            writer.write(Either.Right(point("acme.com", "2026-01-05T00:00:00Z", 84.0, "High", 30.0)), null);
            writer.write(Either.Right(point("acme.com", "2026-01-20T00:00:00Z", 79.5, "High", 25.5)), null);
            writer.write(Either.Right(point("acme.com", "2026-02-02T00:00:00Z", 72.0, "Medium", 18.0)), null);
            writer.write(Either.Right(point("beta.io", "2026-02-02T00:00:00Z", 40.0, "Low", 1.0)), null);
            writer.flush(true);
        }
        try (ActionQueue queue = ActionQueue.open(url, 4, Clock.systemUTC());
             QueueServer server = QueueServer.start(queue, ServerFixtures.TOKENS, "127.0.0.1", 0, null,
                     new StoryChart.Bands(80, 50));
             HeadlessChromium chromium = HeadlessChromium.start()) {
            WebDriver page = chromium.driver();
            WebDriverWait wait = signIn(page, server, ServerFixtures.DANA_TOKEN);
            By rows = By.cssSelector("#queue tbody tr");
            wait.until(d -> d.findElements(rows).size() == 2);
            page.findElements(rows).get(0).click();
            wait.until(d -> d.findElement(By.id("open-story")).isDisplayed());
            page.findElement(By.id("open-story")).click();

            wait.until(d -> d.findElement(By.id("story")).getText().contains("Story of acme.com"));
            WebElement chart = page.findElement(By.id("story-chart"));
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
                    "return arguments[0].complete ? arguments[0].naturalWidth : 0", chart)).intValue() > 0);
            assertThat(page.findElement(By.id("story")).getText())
                    .contains("Now: health Medium 72.0, High value / Low risk");
            assertThat(page.findElement(By.id("story-changes")).getText()).as("one change, named with what moved it")
                    .isEqualTo("2026-02-02 health band High -> Medium 72.0 recency -12.0");
            assertThat(page.findElement(By.id("story-actions")).getText()).contains("URGENT_RETAIN", "new \u2192 OPEN",
                    "pipeline: recommended").doesNotContain("beta.io");
        }
    }

    /**
     * Opens the page and uses {@code token}; the wait ignores an element read mid-render (the page
     * re-renders the detail after each change), so it is looked up again.
     */
    private static WebDriverWait signIn(WebDriver page, QueueServer server, String token) {
        WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        page.get("http://localhost:" + server.port() + "/");
        page.findElement(By.id("token")).sendKeys(token);
        page.findElement(By.id("save-token")).click();
        return wait;
    }

    private static ScorePoint point(String customer, String at, double score, String band, double recency) {
        double[] inputs = {recency, 10, 20, 5, 5, 7, score - recency - 47};
        return new ScorePoint(customer, Instant.parse(at).toEpochMilli(), score, band, "High", "Low", 1_000, "v1",
                inputs);
    }

    @Test
    void aCsmSeesTheirOwnAccountsFirstAndClaimsFromTheirBook() throws Exception {
        String url = ServerFixtures.queueOfTwo(dir);
        try (ActionQueue queue = ActionQueue.open(url, 4, Clock.systemUTC());
             QueueServer server = QueueServer.start(queue, ServerFixtures.TOKENS, 0);
             HeadlessChromium chromium = HeadlessChromium.start()) {
            queue.setMember("dana", "dana@cs.example", "Dana Doe", 5);
            Recommendation danas = ServerFixtures.dueNextWeek(
                    io.pulse.testing.QueueFixtures.recommendation("gamma.org", "CLOSE_MONITOR", 3, 5_000, 0));
            danas.setOwner("dana@cs.example");
            io.pulse.testing.QueueFixtures.pipelineWrites(url, danas);
            WebDriver page = chromium.driver();
            WebDriverWait wait = signIn(page, server, ServerFixtures.DANA_TOKEN);

            By rows = By.cssSelector("#queue tbody tr");
            wait.until(d -> d.findElements(rows).size() == 3);
            assertThat(page.findElements(rows)).extracting(WebElement::getText).as("her account, then the queue")
                    .satisfiesExactly(r -> assertThat(r).contains("gamma.org", "dana@cs.example"),
                            r -> assertThat(r).contains("acme.com"), r -> assertThat(r).contains("beta.io"));
            assertThat(page.findElements(rows).get(0).getAttribute("class")).contains("mine");
            assertThat(page.findElement(By.id("me")).getText())
                    .isEqualTo("dana \u00b7 dana@cs.example \u00b7 0 of 5 taken this week");

            page.findElement(By.id("next")).click();
            wait.until(d -> d.findElement(By.id("detail")).getText().contains("gamma.org"));
            assertThat(page.findElement(By.id("detail")).getText()).as("her book before acme.com's priority 1")
                    .contains("Account owner: dana@cs.example").contains("by dana");
            wait.until(d -> d.findElement(By.id("me")).getText().contains("1 of 5"));
        }
    }

    @Test
    void aColleagueWhoTriesToFinishAClaimedActionSeesWhyNot() throws Exception {
        String url = ServerFixtures.queueOfTwo(dir);
        try (ActionQueue queue = ActionQueue.open(url, 4, Clock.systemUTC());
             QueueServer server = QueueServer.start(queue, ServerFixtures.TOKENS, 0);
             HeadlessChromium chromium = HeadlessChromium.start()) {
            long id = queue.next("dana").orElseThrow().id();
            WebDriver page = chromium.driver();
            WebDriverWait wait = signIn(page, server, ServerFixtures.LEE_TOKEN);

            By rows = By.cssSelector("#queue tbody tr");
            wait.until(d -> d.findElements(rows).size() == 2);
            page.findElements(rows).get(0).click();
            wait.until(d -> d.findElement(By.id("detail")).getText().contains("by dana"));
            page.findElement(By.id("done")).click();
            wait.until(d -> d.findElement(By.id("message")).getText().contains("claimed by dana"));
            assertThat(page.findElement(By.id("message")).getText()).isEqualTo("cannot mark done action " + id
                    + ": it is claimed by dana, and only dana or a lead may");
            assertThat(page.findElement(By.id("message")).getAttribute("class")).isEqualTo("error");
            assertThat(queue.show(id).action().status()).isEqualTo("CLAIMED");
        }
    }
}
