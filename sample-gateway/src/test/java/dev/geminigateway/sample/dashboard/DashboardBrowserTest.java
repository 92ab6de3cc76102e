package dev.geminigateway.sample.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;

import dev.geminigateway.sample.ops.OpsGatewayTest;
import dev.geminigateway.simulator.Quota;
import dev.geminigateway.store.KeyState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; Selenium Manager
 * is kept from downloading anything by naming both binaries): sign in with the admin token, see every key, disable
 * one through the confirmation dialog, see it turn DISABLED, and see a limit learned from Gemini with its source; then
 * the console's views after traffic with a quota 429 and an invalid key (headroom, last hour, errors, a key's life), and
 * a key added from the page serving, then stopped from it. Screenshots land in {@code target/screenshots/}; those of
 * the console refresh {@code docs/images/} for the README with {@code -Dscreenshots.update=true}.
 */
class DashboardBrowserTest extends OpsGatewayTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /** The README's pictures: the module runs in sample-gateway/, the docs are beside it. */
    private static final Path DOC_IMAGES = Path.of("..", "docs", "images");

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws IOException {
        assertThat(CHROMIUM).as("Debian package chromium (apt-get install -y chromium chromium-driver)").exists();
        assertThat(CHROMEDRIVER).as("Debian package chromium-driver").exists();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        profile = Files.createTempDirectory("dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1440,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1440, 1000));
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            org.springframework.util.FileSystemUtils.deleteRecursively(profile);
        }
    }

    @Test
    void signInSeeTheKeysAndDisableOne() throws IOException {
        // alpha's project gets Gemini's per-minute 429 on its second request: a cooldown with a live countdown
        SIM.setQuota("ops-alpha", "gemini-2.5-flash", Quota.of(1, 1_000_000, 1_000));
        generate(5);
        // The page refreshes its table every few seconds: an element found a moment ago may be gone.
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);

        browser.get(baseUrl() + "/admin");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input"))).sendKeys("not-the-token");
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "not accepted"));

        WebElement input = browser.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("sign-in")).click();

        List<WebElement> rows = wait.until(ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("#keys-table tbody tr[data-key-id]"), 3));
        String page = browser.findElement(By.tagName("body")).getText();
        assertThat(page).contains(id(ALPHA), id(BETA), id(GAMMA), "default");
        SECRETS.forEach(secret -> assertThat(browser.getPageSource()).doesNotContain(secret));
        assertThat(state(id(GAMMA))).as("the invalid key was quarantined by the traffic").isEqualTo("Quarantined");
        assertThat(rows).hasSize(3);
        wait.until(ExpectedConditions.textMatches(
                By.cssSelector("tr[data-key-id='" + id(ALPHA) + "'] .countdown"), Pattern.compile("\\d+:\\d\\d")));

        // the per-minute limit Gemini stated for alpha's project, with its source
        wait.until(ExpectedConditions.textMatches(
                By.cssSelector("#limits-table tr[data-limit='ops-alpha|gemini-2.5-flash'] td.rpm"),
                Pattern.compile("1\\s+learned")));

        // the client token's use under its name (a plain token is named by its fingerprint), never the token
        By clientRequests = By.cssSelector("#clients-table tr[data-client^='token-'] td.requests");
        wait.until(driver -> Integer.parseInt(driver.findElement(clientRequests).getText().replace(",", "")) >= 5);
        assertThat(browser.findElement(By.id("clients-table")).getText()).contains("no budget")
                .doesNotContain(CLIENT_TOKEN);

        By disable = By.cssSelector("tr[data-key-id='" + id(BETA) + "'] button[data-action='disable']");
        wait.until(driver -> {
            driver.findElement(disable).click();
            return true;
        });
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();

        wait.until(driver -> "Disabled".equals(state(id(BETA))));
        assertThat((String) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelector(arguments[0]).className;",
                "tr[data-key-id='" + id(BETA) + "'] td.state .badge")).contains("DISABLED");
        assertThat(store.state(id(BETA))).isInstanceOf(KeyState.Disabled.class);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("[data-group='default'] [data-state='DISABLED']"), "Disabled 1"));

        Files.createDirectories(SCREENSHOTS);
        byte[] png = ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve("dashboard.png"), png);
        assertThat(png.length).isGreaterThan(10_000);
    }

    @Test
    void theConsoleShowsHeadroomHistoryAndErrorsAndManagesKeys() throws IOException {
        String added = "AIzaSyOpsDeltaKeyFromThePage44444444444";
        SIM.addKey(added, "ops-delta");
        SIM.setQuota("ops-alpha", "gemini-2.5-flash", Quota.of(1, 1_000_000, 1_000));
        generate(5);
        browser.manage().window().setSize(new Dimension(1440, 2600));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.ignoring(StaleElementReferenceException.class);
        try {
            signIn(wait);

            // headroom: the learned limit in force for alpha's project, and the project cooling with its reason
            wait.until(ExpectedConditions.textMatches(
                    By.cssSelector("#headroom-table tr[data-headroom='ops-alpha|gemini-2.5-flash'] td.rpm"),
                    Pattern.compile("learned")));
            wait.until(ExpectedConditions.textMatches(By.cssSelector("#cooling-list li[data-cooling^='ops-alpha|']"),
                    Pattern.compile("request quota exhausted.*\\d+:\\d\\d", Pattern.DOTALL)));

            // the last hour has points: requests and the upstream 429 in the current minute
            assertThat(script("return typeof window.uPlot;")).as("uPlot from the WebJar").isEqualTo("function");
            wait.until(driver -> Boolean.TRUE.equals(script(
                    "const c = window.gatewayConsole && window.gatewayConsole.charts().counts;"
                            + " return !!c && c.data[1].some(v => v > 0) && c.data[3].some(v => v > 0);")));

            // the errors list: the invalid key and the quota 429, each with what the gateway did
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#errors-table tr[data-code='API_KEY_INVALID']")));
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#errors-table tr[data-code*='PerMinute']")));
            String errors = browser.findElement(By.id("errors-table")).getText();
            assertThat(errors).contains("quarantined the key", "cooled the project for the model");

            // a key's life, from the errors list
            wait.until(driver -> {
                driver.findElement(By.cssSelector("#errors-table tr[data-code='API_KEY_INVALID'] [data-life]")).click();
                return true;
            });
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-life-events"),
                    "quarantined the key"));
            assertThat(browser.findElement(By.id("key-life-title")).getText()).contains(id(GAMMA));
            screenshot(browser.findElement(By.id("key-life")), "console-key-history.png");
            browser.findElement(By.id("key-life-close")).click();

            screenshot(browser.findElement(By.id("headroom-card")), "console-headroom.png");
            screenshot(browser.findElement(By.id("history-card")), "console-last-hour.png");
            screenshot(browser.findElement(By.id("errors-card")), "console-errors.png");

            // add a key from the page: it serves once the configured ones are out
            browser.findElement(By.id("add-key-secret")).sendKeys(added);
            browser.findElement(By.id("add-key-project")).sendKeys("ops-delta");
            browser.findElement(By.id("add-key-label")).sendKeys("from the page");
            browser.findElement(By.id("add-key")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#keys-table tr[data-key-id='" + id(added) + "']")));
            assertThat(browser.findElement(By.id("add-key-secret")).getAttribute("value")).isEmpty();
            assertThat(browser.getPageSource()).doesNotContain(added);
            SECRETS.forEach(secret -> assertThat(browser.getPageSource()).doesNotContain(secret));
            assertThat(browser.findElement(By.id("persistence-note")).getText()).contains("until it restarts");
            for (String configured : SECRETS) {
                store.setOperatorState(id(configured), new KeyState.Disabled(java.time.Instant.now(), "test"));
            }
            long servedBefore = SIM.counters().forKey(added);
            generate(1);
            assertThat(SIM.counters().forKey(added)).isEqualTo(servedBefore + 1);

            // disabling it from the page stops it: BETA, enabled again, takes the next request
            By disable = By.cssSelector("tr[data-key-id='" + id(added) + "'] button[data-action='disable']");
            wait.until(driver -> {
                driver.findElement(disable).click();
                return true;
            });
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
            wait.until(driver -> "Disabled".equals(state(id(added))));
            screenshot(browser.findElement(By.id("keys-card")), "console-keys.png");
            store.setOperatorState(id(BETA), KeyState.Active.INSTANCE);
            long betaBefore = SIM.counters().forKey(BETA);
            generate(1);
            assertThat(SIM.counters().forKey(added)).isEqualTo(servedBefore + 1);
            assertThat(SIM.counters().forKey(BETA)).isEqualTo(betaBefore + 1);
        }
        finally {
            registry.removeKey(id(added));
        }
    }

    private void signIn(WebDriverWait wait) {
        browser.get(baseUrl() + "/admin");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input"))).sendKeys(ADMIN_TOKEN);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dashboard")));
    }

    private Object script(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /**
     * Into target/screenshots; into the repository's docs/images for the README only when asked
     * ({@code -Dscreenshots.update=true}), so that a test run leaves the checkout as it found it.
     */
    private static void screenshot(WebElement element, String name) throws IOException {
        byte[] png = element.getScreenshotAs(OutputType.BYTES);
        assertThat(png.length).as(name).isGreaterThan(5_000);
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), png);
        if (Boolean.getBoolean("screenshots.update") && Files.isDirectory(DOC_IMAGES.getParent())) {
            Files.createDirectories(DOC_IMAGES);
            Files.write(DOC_IMAGES.resolve(name), png);
        }
    }

    /** Read in one script call, so a table refresh between finding the badge and reading it cannot interfere. */
    private String state(String keyId) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const badge = document.querySelector(arguments[0]); return badge ? badge.textContent.trim() : null;",
                "tr[data-key-id='" + keyId + "'] td.state .badge");
    }
}
