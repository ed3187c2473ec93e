package dev.trellis.coordinator.policy;

import dev.trellis.coordinator.policy.JsonValue.Field;
import dev.trellis.coordinator.policy.JsonValue.JArray;
import dev.trellis.coordinator.policy.JsonValue.JObject;
import dev.trellis.coordinator.policy.JsonValue.JString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks that a {@link JsonValue} has the shape a policy section needs, with positioned errors. */
final class JsonShapes {
    private JsonShapes() {}

    static Map<String, Field> keys(JObject o, List<String> allowed, String what, String list)
            throws PolicyException {
        Map<String, Field> out = new LinkedHashMap<>();
        for (Field f : o.fields()) {
            if (!allowed.contains(f.key())) {
                String hint = f.key().equals("users") ? " (use \"src\"; Trellis does not read the legacy \"users\")"
                        : f.key().equals("ports") ? " (use \"dst\"; Trellis does not read the legacy \"ports\")"
                        : Names.suggest(f.key(), allowed);
                throw PolicyException.at(f, "unknown key \"" + f.key() + "\" in " + what + hint + ": it may have only "
                        + list);
            }
            out.put(f.key(), f);
        }
        return out;
    }

    static Field required(JObject o, Map<String, Field> keys, String key, String example)
            throws PolicyException {
        Field f = keys.get(key);
        if (f == null) {
            throw PolicyException.at(o, "missing \"" + key + "\": add e.g. " + example);
        }
        return f;
    }

    static List<JString> nonEmpty(Field f, String what) throws PolicyException {
        List<JString> out = strings(f.value(), what);
        if (out.isEmpty()) {
            throw PolicyException.at(f.value(), what + " is empty, so the rule allows nothing: add entries or remove "
                    + "the rule");
        }
        return out;
    }

    static JObject object(JsonValue v, String what) throws PolicyException {
        if (v instanceof JObject o) {
            return o;
        }
        throw PolicyException.at(v, what + " must be an object {…}, not " + v.kind());
    }

    static JArray array(JsonValue v, String what) throws PolicyException {
        if (v instanceof JArray a) {
            return a;
        }
        throw PolicyException.at(v, what + " must be an array […], not " + v.kind());
    }

    static JString string(JsonValue v, String what) throws PolicyException {
        if (v instanceof JString s) {
            return s;
        }
        throw PolicyException.at(v, what + " must be a string, not " + v.kind());
    }

    static List<JString> strings(JsonValue v, String what) throws PolicyException {
        List<JString> out = new ArrayList<>();
        for (JsonValue item : array(v, what).items()) {
            JString s = string(item, "each entry of " + what);
            if (!s.value().equals(s.value().strip()) || s.value().isEmpty()) {
                throw PolicyException.at(s, "'" + s.value() + "' in " + what + " is empty or has surrounding spaces");
            }
            out.add(s);
        }
        return out;
    }
}
