package io.shm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
            "1m, PT1M", "30s, PT30S", "1h30m, PT1H30M", "500ms, PT0.5S", "1.5h, PT1H30M", "0, PT0S",
            "2h45m30.5s, PT2H45M30.5S", "1us, PT0.000001S", "1\u00b5s, PT0.000001S", "100ns, PT0.0000001S",
            "' 10s ', PT10S", "+5m, PT5M", "-1m, PT-1M", ".5s, PT0.5S", "1.s, PT1S", "90m, PT1H30M",
            "1h1h, PT2H", "0.000000001s, PT0.000000001S", "0.0000000015s, PT0.000000001S"})
    void goSyntaxGivesTheExactDuration(String text, String expected) {
        assertEquals(Duration.parse(expected), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "10", "m", "1 m", "1d", "1w", "1M", "h1", "1.5", "1m 30s", "--1m", "1e3s", "abc",
            "9999999999h"})
    void anythingElseIsRefusedSayingWhatIsExpected(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
        assertEquals(true, refused.getMessage().contains("Go duration"), refused.getMessage());
    }
}
