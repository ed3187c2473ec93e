package dev.trellis.coordinator.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    /** Cheap parameters for tests that hash a lot; the defaults are tested separately. */
    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Parameters(64, 1, 1));

    @Test
    void roundTripWithTheDefaultParameters() {
        PasswordHasher hasher = new PasswordHasher();
        String encoded = hasher.hash("correct horse battery staple".toCharArray());

        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(hasher.verify(encoded, "correct horse battery staple".toCharArray())).isTrue();
        assertThat(hasher.verify(encoded, "correct horse battery stapl".toCharArray())).isFalse();
        assertThat(hasher.needsRehash(encoded)).isFalse();
    }

    @Test
    void saltsAreFreshEachTime() {
        assertThat(CHEAP.hash("pw".toCharArray())).isNotEqualTo(CHEAP.hash("pw".toCharArray()));
    }

    /** Hashes made by the reference implementation (Debian's argon2 CLI, -id -l 32 -e). */
    @ParameterizedTest
    @ValueSource(strings = {
        "correct horse|$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MTY$Oit2JzqmE5v0KWoI5ZOZCyg0fQVxVS0i4r1aKqTc8Ig",
        "password|$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "password|$argon2id$v=16$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$+ElKI0wi8lgShNnWV22Pm7kVmDjtvs5HBZaokkrVXKI",
    })
    void verifiesHashesOfTheReferenceImplementationWithTheirOwnParameters(String vector) {
        String password = vector.substring(0, vector.indexOf('|'));
        String encoded = vector.substring(vector.indexOf('|') + 1);

        assertThat(CHEAP.verify(encoded, password.toCharArray())).isTrue();
        assertThat(CHEAP.verify(encoded, (password + "x").toCharArray())).isFalse();
    }

    @Test
    void olderOrWeakerHashesStillVerifyButNeedRehash() {
        String weak = CHEAP.hash("pw".toCharArray());
        PasswordHasher strong = new PasswordHasher();

        assertThat(strong.verify(weak, "pw".toCharArray())).isTrue();
        assertThat(strong.needsRehash(weak)).isTrue();
        assertThat(strong.needsRehash(
                "$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$+ElKI0wi8lgShNnWV22Pm7kVmDjtvs5HBZaokkrVXKI"))
                .as("version 16").isTrue();
        assertThat(CHEAP.needsRehash(strong.hash("pw".toCharArray()))).as("stronger than asked").isFalse();
    }

    @Test
    void parametersAreHonouredAndChangeTheHash() {
        PasswordHasher other = new PasswordHasher(new PasswordHasher.Parameters(128, 2, 2));
        String encoded = other.hash("pw".toCharArray());

        assertThat(encoded).startsWith("$argon2id$v=19$m=128,t=2,p=2$");
        // The same salt under other parameters gives another hash: they are really used.
        String sameSaltOtherCost = encoded.replace("m=128,t=2,p=2", "m=128,t=1,p=2");
        assertThat(CHEAP.verify(sameSaltOtherCost, "pw".toCharArray())).isFalse();
        assertThat(CHEAP.verify(encoded, "pw".toCharArray())).isTrue();
    }

    @Test
    void unicodePasswordsAreUtf8() {
        String encoded = CHEAP.hash("pässwörd \uD83D\uDD11".toCharArray());

        assertThat(CHEAP.verify(encoded, "pässwörd \uD83D\uDD11".toCharArray())).isTrue();
        assertThat(CHEAP.verify(encoded, "passwort".toCharArray())).isFalse();
    }

    @Test
    void passwordLengthIsLimitedInBytes() {
        char[] max = new char[PasswordHasher.MAX_PASSWORD_BYTES];
        Arrays.fill(max, 'a');
        String encoded = CHEAP.hash(max);
        assertThat(CHEAP.verify(encoded, max)).isTrue();

        char[] tooLong = new char[PasswordHasher.MAX_PASSWORD_BYTES + 1];
        Arrays.fill(tooLong, 'a');
        assertThatThrownBy(() -> CHEAP.hash(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1024 bytes");
        assertThat(CHEAP.verify(encoded, tooLong)).isFalse();

        char[] multiByte = new char[400]; // 1200 bytes in UTF-8 (3 each)
        Arrays.fill(multiByte, '€');
        assertThatThrownBy(() -> CHEAP.hash(multiByte)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyOrBrokenPasswordsAreRefused() {
        String encoded = CHEAP.hash("pw".toCharArray());

        assertThatThrownBy(() -> CHEAP.hash(new char[0])).hasMessageContaining("must not be empty");
        assertThat(CHEAP.verify(encoded, new char[0])).isFalse();
        assertThatThrownBy(() -> CHEAP.hash(new char[] {'a', '\uD800'})).isInstanceOf(IllegalArgumentException.class);
        assertThat(CHEAP.verify(encoded, new char[] {'p', '\uDC00'})).isFalse();
        assertThatThrownBy(() -> CHEAP.hash(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theCallersArrayIsLeftAsItWas() {
        char[] password = "secret".toCharArray();
        CHEAP.hash(password);
        assertThat(password).containsExactly("secret".toCharArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "plain text",
        "$argon2i$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=18$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$t=3,m=4096,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=04096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=2,keyid=x$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA==$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdB$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=2$c29tZQ$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZ",
        "$argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk$",
        "$argon2id$v=19$m=4,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=99999999,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=999,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=3,p=99$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        "$argon2id$v=19$m=4096,t=0,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
        " $argon2id$v=19$m=4096,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$GIDb0bjZv/zL6K6d9YzKPOpfCjQnH6oS30MB6t9rDtk",
    })
    void malformedOrOutOfBoundsEncodingsAreRejectedWithoutEchoingThem(String encoded) {
        assertThatThrownBy(() -> CHEAP.verify(encoded, "password".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("password hash")
                .satisfies(e -> {
                    if (encoded.length() > 20) {
                        assertThat(e.getMessage()).doesNotContain(encoded.substring(encoded.length() - 20));
                    }
                });
        assertThatThrownBy(() -> CHEAP.needsRehash(encoded)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingOrHugeEncodingIsRejected() {
        assertThatThrownBy(() -> CHEAP.verify(null, "pw".toCharArray())).hasMessageContaining("missing");
        assertThatThrownBy(() -> CHEAP.verify("$".repeat(100_000), "pw".toCharArray()))
                .hasMessageContaining("not an Argon2id hash");
    }

    @Test
    void parametersOutOfBoundsAreRefused() {
        assertThatThrownBy(() -> new PasswordHasher.Parameters(7, 1, 1)).hasMessageContaining("memory");
        assertThatThrownBy(() -> new PasswordHasher.Parameters(64, 0, 1)).hasMessageContaining("iterations");
        assertThatThrownBy(() -> new PasswordHasher.Parameters(64, 1, 0)).hasMessageContaining("parallelism");
        assertThatThrownBy(() -> new PasswordHasher(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
