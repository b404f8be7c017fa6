COMMENT
AdEx soma of dendritic_models.mechanisms.somatic_spike.adex (Brette & Gerstner 2005,
J Neurophysiol 94:3637, Eqs. 1-2) with the package's spike waveform, as a point process
on the soma segment (all parameters absolute: uS, nA, mV, ms).

Currents: adaptation w and the exponential term gL*DeltaT*exp((v - VT)/DeltaT), the latter
evaluated at the voltage of the start of the step (explicit, zero slope), as in the
package's solver. Leak: NEURON's pas in the section.
Spike: v > V_th at the end of a step that did not start refractory: w += b, then the soma
is held at V_AP while t - t_spike < t_AP and at V_reset until t_ref has elapsed, by a
stiff conductance g_clamp to the target voltage (replacing the other currents).
Times since the spike are computed from integer step counts in seconds (dt_s), with the
same floating-point expressions as Brian2 (t = step*dt; timestep() for refractoriness).
State update (w: exponential Euler) and spike detection run after each voltage update.
ENDCOMMENT

NEURON {
    POINT_PROCESS DMAdEx
    NONSPECIFIC_CURRENT i
    RANGE gL, EL, VT, DeltaT, a, b, tau_w, V_th, V_AP, V_reset, t_AP_s, t_ref_s, dt_s
    RANGE g_clamp, w, spike_step, spiking, nspike, vlast
}

PARAMETER {
    gL = 0.001      : (uS) leak conductance of the soma node
    EL = -70        : (mV)
    VT = -50.4      : (mV)
    DeltaT = 2      : (mV)
    a = 0.004       : (uS)
    b = 0.0805      : (nA)
    tau_w = 144     : (ms)
    V_th = -40.4    : (mV)
    V_AP = 40       : (mV)
    V_reset = -65   : (mV)
    t_AP_s = 0.0008 : (s)
    t_ref_s = 0.002 : (s)
    dt_s = 0.0001   : (s) the time step in seconds, exactly as the workload gives it
    g_clamp = 1e5   : (uS)
}

ASSIGNED {
    v (millivolt)
    i (nanoamp)
    w           : (nA)
    spike_step  : step index of the last spike (Brian2's lastspike = spike_step*dt_s)
    spiking     : 1 during the step after a spike was detected (NetCon source), else 0
    nspike
    vlast       : (mV) voltage at the start of the step
}

INITIAL {
    w = 0
    spike_step = -1e8
    spiking = 0
    nspike = 0
    vlast = v
}

BREAKPOINT {
    SOLVE advance
    i = current(v, floor(t/dt))  : t = t_m + dt/2 here
}

FUNCTION steps(x) {
    : Brian2's timestep(x, dt)
    steps = floor((x + 1e-3*dt_s)/dt_s)
}

FUNCTION current(v, m) {
    LOCAL since
    since = m*dt_s - spike_step*dt_s
    if (steps(since) < steps(t_ref_s)) {
        if (since < t_AP_s) {
            current = g_clamp*(v - V_AP)
        } else {
            current = g_clamp*(v - V_reset)
        }
    } else {
        current = w - gL*DeltaT*exp((vlast - VT)/DeltaT)
    }
}

PROCEDURE advance() {
    LOCAL n, winf
    : t = t_{n+1}, v = v_{n+1}: the end of step n
    n = floor(t/dt + 0.5) - 1
    spiking = 0
    if (v > V_th && steps(n*dt_s - spike_step*dt_s) >= steps(t_ref_s)) {
        spike_step = n
        w = w + b
        nspike = nspike + 1
        spiking = 1
    }
    winf = a*(v - EL)
    w = winf + (w - winf)*exp(-dt/tau_w)
    vlast = v
}
