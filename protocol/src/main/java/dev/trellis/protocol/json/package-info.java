/**
 * Jackson support for Trellis's value types, shared by the control protocol and the LocalAPI;
 * any module may depend on it.
 */
package dev.trellis.protocol.json;
