package dev.geminigateway.client;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import dev.geminigateway.support.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class AuthFailureLockoutTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final AuthFailureLockout lockout = new AuthFailureLockout(3, Duration.ofMinutes(5), Duration.ofMinutes(5), 1000, clock);

    @Test
    void blocksAfterTheThirdFailureWithinTheWindowAndUnblocksByItself() {
        assertThat(lockout.recordFailure("198.51.100.1")).isFalse();
        assertThat(lockout.recordFailure("198.51.100.1")).isFalse();
        assertThat(lockout.blockedFor("198.51.100.1")).isEmpty();
        assertThat(lockout.recordFailure("198.51.100.1")).isTrue();

        assertThat(lockout.blockedFor("198.51.100.1")).contains(Duration.ofMinutes(5));
        assertThat(lockout.blockedFor("198.51.100.2")).isEmpty();

        clock.advance(Duration.ofMinutes(4));
        assertThat(lockout.blockedFor("198.51.100.1")).contains(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(lockout.blockedFor("198.51.100.1")).isEmpty();
        // a fresh start: one more failure does not block again
        assertThat(lockout.recordFailure("198.51.100.1")).isFalse();
        assertThat(lockout.blockedFor("198.51.100.1")).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        lockout.recordFailure("198.51.100.3");
        lockout.recordFailure("198.51.100.3");
        clock.advance(Duration.ofMinutes(5));
        lockout.recordFailure("198.51.100.3");

        assertThat(lockout.blockedFor("198.51.100.3")).isEmpty();
    }

    @Test
    void failuresWhileBlockedDoNotExtendTheBlock() {
        for (int i = 0; i < 3; i++) {
            lockout.recordFailure("198.51.100.4");
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(lockout.recordFailure("198.51.100.4")).isFalse();

        assertThat(lockout.blockedFor("198.51.100.4")).contains(Duration.ofMinutes(3));
    }

    @Test
    void zeroMaxFailuresTurnsTheLockoutOff() {
        AuthFailureLockout off = new AuthFailureLockout(0, Duration.ofMinutes(5), Duration.ofMinutes(5), 10, clock);
        for (int i = 0; i < 10; i++) {
            off.recordFailure("198.51.100.5");
        }
        assertThat(off.blockedFor("198.51.100.5")).isEmpty();
        assertThat(off.trackedClients()).isZero();
    }

    @Test
    void anAttackerSprayingAddressesCannotGrowTheStateBeyondTheCap() {
        AuthFailureLockout small = new AuthFailureLockout(3, Duration.ofMinutes(5), Duration.ofMinutes(5), 100, clock);
        for (int i = 0; i < 10_000; i++) {
            small.recordFailure("10.0." + (i / 256) + "." + (i % 256));
        }
        assertThat(small.trackedClients()).isLessThanOrEqualTo(100);
    }

    @Test
    void aFullTableMakesRoomWithTheOldestUnblockedAddressesAndNeverDropsABlockedOne() {
        AuthFailureLockout small = new AuthFailureLockout(3, Duration.ofMinutes(5), Duration.ofMinutes(5), 10, clock);
        for (int i = 0; i < 3; i++) {
            small.recordFailure("198.51.100.20");
        }
        clock.advance(Duration.ofSeconds(1));
        small.recordFailure("198.51.100.21"); // the oldest address still counting
        clock.advance(Duration.ofSeconds(1));
        small.recordFailure("198.51.100.22");
        small.recordFailure("198.51.100.22");

        // an attacker sprays new addresses, each newer than every entry above
        for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofMillis(10));
            small.recordFailure("10.1." + (i / 256) + "." + (i % 256));
        }

        assertThat(small.trackedClients()).isLessThanOrEqualTo(10);
        assertThat(small.blockedFor("198.51.100.20")).isPresent();
        // the two older counting addresses went first: their failures were forgotten
        small.recordFailure("198.51.100.22");
        assertThat(small.blockedFor("198.51.100.22")).isEmpty();
    }

    @Test
    void aTableFullOfBlockedAddressesKeepsThemAllAndStaysBounded() {
        AuthFailureLockout oneStrike = new AuthFailureLockout(1, Duration.ofMinutes(5), Duration.ofMinutes(5), 5, clock);
        for (int i = 0; i < 5; i++) {
            oneStrike.recordFailure("198.51.100." + (30 + i));
        }
        for (int i = 0; i < 100; i++) {
            oneStrike.recordFailure("10.2.0." + i);
        }

        assertThat(oneStrike.trackedClients()).isLessThanOrEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(oneStrike.blockedFor("198.51.100." + (30 + i))).isPresent();
        }
    }
}
