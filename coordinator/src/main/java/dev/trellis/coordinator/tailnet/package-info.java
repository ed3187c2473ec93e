/**
 * The network a coordinator serves: registration, logins, endpoint reports and admin changes,
 * each written to the store and then fanned out through the netmap hub. Used by the control,
 * login and admin front ends.
 */
package dev.trellis.coordinator.tailnet;
