/**
 * natlab: an in-JVM simulated internet (networks, machines, RFC 4787 NATs, firewalls) whose
 * {@link dev.trellis.engine.natlab.SimBind} lets real engine code run over it; test code only,
 * usable by any engine test.
 */
package dev.trellis.engine.natlab;
