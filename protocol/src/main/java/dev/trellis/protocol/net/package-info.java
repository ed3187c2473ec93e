/** Network value types (IP prefixes) shared by every module. */
package dev.trellis.protocol.net;
