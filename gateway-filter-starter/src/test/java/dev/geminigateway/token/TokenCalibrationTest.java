package dev.geminigateway.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TokenCalibrationTest {

    @Test
    void learnsAnEwmaOnlyAfterEnoughSamples() {
        TokenCalibration calibration = new TokenCalibration(0.5, 3);
        calibration.observe("m", 100, 120);
        calibration.observe("m", 100, 120);
        assertThat(calibration.factorFor("m")).isEmpty();
        calibration.observe("m", 100, 160);
        // 1.2, then 1.2, then 1.2 + 0.5 * (1.6 - 1.2)
        assertThat(calibration.factorFor("m")).hasValueSatisfying(f -> assertThat(f).isCloseTo(1.4, within(1e-9)));
        assertThat(calibration.factorFor("other")).isEmpty();
    }

    @Test
    void samplesAreBoundedSoOutliersCannotRunAway() {
        TokenCalibration calibration = new TokenCalibration(1.0, 1);
        calibration.observe("m", 100, 100_000);
        assertThat(calibration.factorFor("m")).contains(TokenCalibration.MAX_FACTOR);
        calibration.observe("m", 100_000, 1);
        assertThat(calibration.factorFor("m")).contains(TokenCalibration.MIN_FACTOR);
        calibration.observe("m", 0, 10);
        calibration.observe(null, 10, 10);
        assertThat(calibration.factorFor("m")).contains(TokenCalibration.MIN_FACTOR);
    }
}
