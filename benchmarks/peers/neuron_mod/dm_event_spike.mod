COMMENT
Event-gated dendritic spike of dendritic_models.mechanisms.event_spike (Dendrify 2.2's
scheme, Pagkalos, Chavlis & Poirazi 2023, Nat Commun 14:131): when x > theta and
t - t_event > t_ref, the event time is stamped; channel k then conducts
gbar_k*(v - E_k) while delay_k <= t - t_event < delay_k + dur_k. x is v (tau_u = 0) or
the low-pass activation u, du/dt = (v - u)/tau_u (exponential Euler), of the L5 Ca
plateau. Absolute conductances (uS) of one electrical node; times in seconds (as Brian2
compares them, from integer step counts times dt_s).
Timing as the package: the event is detected after a voltage update (for u, after the
update of u that uses the new v) and first opens channels in the next step.
ENDCOMMENT

NEURON {
    POINT_PROCESS DMEventSpike
    NONSPECIFIC_CURRENT i
    RANGE theta, t_ref_s, tau_u, EL, dt_s, u, event_step, nevent
    RANGE gbar1, E1, delay1_s, dur1_s, gbar2, E2, delay2_s, dur2_s
}

PARAMETER {
    theta = -35     : (mV)
    t_ref_s = 0.005 : (s)
    tau_u = 0       : (ms) 0: trigger on v
    EL = -70        : (mV) initial u
    dt_s = 0.0001   : (s)
    gbar1 = 0       : (uS)
    E1 = 50         : (mV)
    delay1_s = 0    : (s)
    dur1_s = 0.001  : (s)
    gbar2 = 0       : (uS)
    E2 = -90        : (mV)
    delay2_s = 0.0005 : (s)
    dur2_s = 0.002  : (s)
}

ASSIGNED {
    v (millivolt)
    i (nanoamp)
    u           : (mV)
    event_step
    nevent
}

INITIAL {
    u = EL
    event_step = -1e8
    nevent = 0
}

BREAKPOINT {
    LOCAL m, since
    SOLVE detect
    m = floor(t/dt)  : t = t_m + dt/2 here
    since = m*dt_s - event_step*dt_s
    i = 0
    if (m > event_step) {
        if (since >= delay1_s && since < delay1_s + dur1_s) {
            i = i + gbar1*(v - E1)
        }
        if (since >= delay2_s && since < delay2_s + dur2_s) {
            i = i + gbar2*(v - E2)
        }
    }
}

PROCEDURE detect() {
    LOCAL n, x
    : t = t_{n+1}, v = v_{n+1}: the end of step n
    n = floor(t/dt + 0.5) - 1
    x = v
    if (tau_u > 0) {
        : the package updates u with v_{n+1} in step n+1, before its trigger of step n+1
        u = v + (u - v)*exp(-dt/tau_u)
        x = u
        n = n + 1
    }
    if (x > theta && n*dt_s - event_step*dt_s > t_ref_s) {
        event_step = n
        nevent = nevent + 1
    }
}
