package io.pulse.server;

import io.pulse.model.Recommendation;
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
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The CSM page in headless Chromium: pick the top action, claim it, mark it done; see your own
 * accounts first; a colleague's claimed action cannot be finished.
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
            // the page re-renders the detail after each change: an element read mid-render is looked up again
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
            wait.ignoring(StaleElementReferenceException.class);
            page.get("http://localhost:" + server.port() + "/");
            page.findElement(By.id("token")).sendKeys(ServerFixtures.DANA_TOKEN);
            page.findElement(By.id("save-token")).click();

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
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
            wait.ignoring(StaleElementReferenceException.class);
            page.get("http://localhost:" + server.port() + "/");
            page.findElement(By.id("token")).sendKeys(ServerFixtures.DANA_TOKEN);
            page.findElement(By.id("save-token")).click();

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
            WebDriverWait wait = new WebDriverWait(page, Duration.ofSeconds(20));
            wait.ignoring(StaleElementReferenceException.class);
            page.get("http://localhost:" + server.port() + "/");
            page.findElement(By.id("token")).sendKeys(ServerFixtures.LEE_TOKEN);
            page.findElement(By.id("save-token")).click();

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
