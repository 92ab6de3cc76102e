package dev.geminigateway;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import dev.geminigateway.autoconfigure.GeminiGatewayAutoConfiguration;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.conditions.ArchConditions.be;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's layering and public surface as ARCHITECTURE.md §1.1 and §9 describe them. A new public class fails
 * {@link #onlyTheApiAndWhatAnotherPackageNeedsIsPublic()} until it is package-private or listed below.
 */
class ArchitectureTest {

    /** The starter's own classes only (not the simulator's, which shares the root package on the test class path). */
    private static final JavaClasses STARTER = new ClassFileImporter().importUrl(
            GeminiGatewayAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation());

    private static final String[] LOWER = { "dev.geminigateway.key..", "dev.geminigateway.outcome..",
            "dev.geminigateway.attempt..", "dev.geminigateway.store..", "dev.geminigateway.quota..",
            "dev.geminigateway.selection..", "dev.geminigateway.model..", "dev.geminigateway.web..",
            "dev.geminigateway.metrics.." };
    private static final String[] HIGHER = { "dev.geminigateway.filter..", "dev.geminigateway.autoconfigure..",
            "dev.geminigateway.admin..", "dev.geminigateway.observability..", "dev.geminigateway.rotation.." };

    /** What an integrator may use, configure or replace (ARCHITECTURE.md §9). */
    private static final Set<String> API = names(
            "filter.KeyRotationGatewayFilterFactory", "filter.TokenLimitGatewayFilterFactory",
            "filter.KeyHealthFeedbackGatewayFilterFactory", "client.ClientAuthGatewayFilterFactory",
            "client.ClientRateLimitGatewayFilterFactory", "client.ClientIpKeyResolver",
            "client.ClientTokenKeyResolver", "route.GeminiSurfaceRoutePredicateFactory",
            "autoconfigure.GeminiGatewayAutoConfiguration", "autoconfigure.QuotaAutoConfiguration",
            "autoconfigure.ClientProtectionAutoConfiguration", "autoconfigure.ObservabilityAutoConfiguration",
            "autoconfigure.ResourceAffinityAutoConfiguration", "autoconfigure.TokenAccountingAutoConfiguration",
            "autoconfigure.RedisStoreAutoConfiguration",
            "autoconfigure.GeminiGatewayProperties", "autoconfigure.ClientProtectionProperties",
            // SPIs and the values in their signatures
            "store.KeyStateStore", "store.KeyState", "store.Cooldown", "store.InMemoryKeyStateStore",
            "quota.QuotaLedgers", "quota.LocalQuotaLedgers", "quota.Admission", "quota.Headroom", "quota.QuotaLimits",
            "quota.QuotaMetric", "quota.QuotaReservation", "quota.QuotaUsage", "attempt.AttemptObserver", "attempt.AttemptRecord",
            "attempt.UsageListener", "attempt.Usage", "affinity.ResourceOwners", "affinity.LocalResourceOwners", "client.SharedBuckets",
            "client.SharedBudgets", "client.BudgetCounts", "client.BudgetTotals",
            "key.ApiKey", "outcome.UpstreamOutcome", "outcome.OutcomeKind");

    /**
     * Internal: public only because another package of the starter (most often the auto-configuration, which builds
     * them) uses them. They may change in any release.
     */
    private static final Set<String> SHARED = names(
            "admin.AdminPlaneFirewall", "admin.AdminResult", "admin.AdminSecurity", "admin.AdminToken", "admin.AuditLog",
            "admin.GeminiKeysEndpoint", "admin.KeyAdministration", "admin.QuotaLimitViews",
            "admin.ConsoleViews", "admin.GeminiConsoleEndpoint", "admin.QuotaHeadroomViews",
            "affinity.ResourceAffinityFilter", "affinity.ResourceOwnerCaptureFilter",
            "client.AuthFailureLockout", "client.BoundedExpiringMap", "client.ClientAddressResolver",
            "client.ClientRateLimiter", "client.ClientTokens", "client.IssuedToken",
            "client.ClientBudgets", "client.TokenBudget",
            "egress.EgressClients", "egress.EgressProxy", "egress.EgressProxyException",
            "egress.EgressRoutingFilterInstaller", "egress.GroupUpstreams",
            "health.KeyHealthRecorder", "health.KeyProber", "health.OpenStreams", "health.StreamGuard",
            "health.SuspectKeyCheck", "health.UsageTap",
            "key.KeyGroup", "key.KeyRegistry", "metrics.MeterCache", "model.KnownModels", "model.ModelTable",
            "observability.AttemptMetricsFilter", "observability.GatewayMetrics", "observability.ConsoleRecorder",
            "observability.RecentErrors", "observability.TrafficHistory",
            "observability.GeminiKeysHealthIndicator", "observability.KeyAttemptStats",
            "observability.KeyPoolInspector", "observability.KeyStateGauges", "observability.PromptCacheStats", "observability.KeyValidation",
            "observability.RequestIdWebFilter", "observability.RequestObservationFilter",
            "outcome.GeminiErrorClassifier", "outcome.PacificDay",
            "quota.ClockTimeMeter", "quota.GeminiTier", "quota.LimitSource", "quota.QuotaLimitSources",
            "quota.QuotaMetrics", "quota.QuotaPolicy", "quota.QuotaScheduler", "quota.TierPresets",
            "rotation.Backoff", "rotation.FallbackMeter", "rotation.KeyRotation", "rotation.KeyRotationAttributes", "rotation.PoolThrottle",
            "rotation.QuotaGate", "rotation.RetryBudget", "rotation.RotationPolicy", "rotation.UpstreamBreakers",
            "selection.KeyScores", "selection.KeySelector", "selection.PreferredProjects", "selection.ProjectPin",
            "selection.Selection", "promptcache.PromptCacheAffinity",
            "token.MalformedRequestBodyException", "token.SseUsageScanner", "token.TokenCalibration",
            "token.TokenCounter", "token.TokenEstimate", "token.TokenUsageRecorder", "token.UsageExtractor",
            "web.BodyTooLargeException", "web.ErrorAnswers", "web.GatewayErrors", "web.GeminiApiErrorHandler",
            "web.GatewayJson", "web.GeminiExchangeAttributes", "web.InvalidModelException", "web.LogSafe", "web.RequestBodyCache",
            "web.RequestModel", "web.Surface", "web.UpstreamResponse");

    /** The Redis backends: one package, whose own public surface is what the auto-configuration builds. */
    private static final DescribedPredicate<JavaClass> REDIS_BACKEND = describe("the Redis backends",
            c -> c.getPackageName().startsWith("dev.geminigateway.redis"));

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.geminigateway.(*)..").should().beFreeOfCycles().check(STARTER);
    }

    @Test
    void lowerPackagesNeverDependOnHigherOnes() {
        noClasses().that().resideInAnyPackage(LOWER).should().dependOnClassesThat().resideInAnyPackage(HIGHER)
                .because("values, stores and ledgers are used by the request path and its wiring, never the reverse")
                .check(STARTER);
    }

    @Test
    void onlyTheWiringDependsOnTheAutoConfiguration() {
        noClasses().that().resideOutsideOfPackage("dev.geminigateway.autoconfigure..")
                .and().haveSimpleNameNotEndingWith("AutoConfiguration")
                .should().dependOnClassesThat().resideInAPackage("dev.geminigateway.autoconfigure..")
                .because("policies are built by the auto-configuration and handed down (e.g. RotationPolicy)")
                .check(STARTER);
    }

    @Test
    void filtersReadNoConfigurationProperties() {
        noClasses().that().resideInAPackage("dev.geminigateway.filter..")
                .should().dependOnClassesThat().haveNameMatching("dev\\.geminigateway\\..*Properties(\\$.*)?")
                .because("a filter gets its route's Config and policies built from the properties, not the properties")
                .check(STARTER);
    }

    @Test
    void onlyTheRedisBackendsAndTheWiringTalkToRedis() {
        noClasses().that(not(REDIS_BACKEND)).and().resideOutsideOfPackage("dev.geminigateway.autoconfigure..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "org.springframework.data.redis..",
                        "io.github.bucket4j.redis..")
                .check(STARTER);
    }

    @Test
    void onlyTheApiAndWhatAnotherPackageNeedsIsPublic() {
        classes().that().areTopLevelClasses().and().arePublic().and(not(REDIS_BACKEND))
                .should(be(describe("listed in ArchitectureTest.API or .SHARED",
                        c -> API.contains(c.getName()) || SHARED.contains(c.getName()))))
                .because("everything else is package-private (ARCHITECTURE.md §9)")
                .check(STARTER);
    }

    @Test
    void theListsNameOnlyPublicClassesThatExist() {
        Set<String> publicNames = STARTER.stream().filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getName).collect(Collectors.toSet());
        assertThat(Stream.concat(API.stream(), SHARED.stream())).allMatch(publicNames::contains, "public in the starter");
        assertThat(API).doesNotContainAnyElementsOf(SHARED);
    }

    private static Set<String> names(String... relative) {
        return Stream.of(relative).map(name -> "dev.geminigateway." + name).collect(Collectors.toSet());
    }
}
