package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One message on the control connection. Nodes send {@link RegisterRequest} and
 * {@link MapRequest}; the coordinator answers with {@link RegisterResponse},
 * {@link MapResponse} or {@link ControlError}, each carrying the {@code id} of the request it
 * answers, so that a registration, a map stream and endpoint updates share one connection.
 * On the wire: a JSON object whose {@code Type} names the message.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "Type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RegisterRequest.class, name = "RegisterRequest"),
    @JsonSubTypes.Type(value = RegisterResponse.class, name = "RegisterResponse"),
    @JsonSubTypes.Type(value = MapRequest.class, name = "MapRequest"),
    @JsonSubTypes.Type(value = MapResponse.class, name = "MapResponse"),
    @JsonSubTypes.Type(value = ControlError.class, name = "Error"),
})
public sealed interface ControlMessage
        permits RegisterRequest, RegisterResponse, MapRequest, MapResponse, ControlError {
    /** The request this message is or answers; chosen by the node, unique per connection. */
    long id();
}
