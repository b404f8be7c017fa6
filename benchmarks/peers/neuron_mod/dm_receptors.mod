COMMENT
Receptor conductances of one electrical node (dendritic_models.mechanisms.receptors):
AMPA (decay tau_AMPA, Destexhe, Mainen & Sejnowski 1994, J Comput Neurosci 1:195),
NMDA (ds/dt = -s/tau_decay, dg/dt = (s - g)/tau_rise, Mg block
1/(1 + Mg/3.57 mM exp(-0.062 v/mV)), Jahr & Stevens 1990, J Neurosci 10:3178), GABA_A.
Many NetCons target one instance (one per synapse: weights wA, wN, wG in uS are jumps of
gA, sN, gG; for NMDA the NetCon weight already holds 1/peak_factor).
States advance by exponential Euler after each voltage update, as the package's Brian2
state updater does before it; an event, delivered one step after the source spike, is
added already advanced by one state step (s*E_d, g*(1 - E_r)), so that the conductances
seen by each voltage update are those of the package step by step.
ENDCOMMENT

NEURON {
    POINT_PROCESS DMReceptors
    NONSPECIFIC_CURRENT i
    RANGE tau_AMPA, E_AMPA, tau_NMDA_rise, tau_NMDA_decay, E_NMDA, Mg, APV, tau_GABA, E_GABA
    RANGE gA, gN, sN, gG
}

PARAMETER {
    tau_AMPA = 5.26       : (ms)
    E_AMPA = 0            : (mV)
    tau_NMDA_rise = 2     : (ms)
    tau_NMDA_decay = 60   : (ms)
    E_NMDA = 0            : (mV)
    Mg = 1                : (mM)
    APV = 0
    tau_GABA = 5.6        : (ms)
    E_GABA = -80          : (mV)
}

ASSIGNED {
    v (millivolt)
    i (nanoamp)
    gA  : (uS)
    gN  : (uS)
    sN  : (uS)
    gG  : (uS)
}

INITIAL {
    gA = 0
    gN = 0
    sN = 0
    gG = 0
}

BREAKPOINT {
    SOLVE advance
    i = gA*(v - E_AMPA) + (1 - APV)*gN*(v - E_NMDA)/(1 + Mg/3.57*exp(-0.062*v)) + gG*(v - E_GABA)
}

PROCEDURE advance() {
    gA = gA*exp(-dt/tau_AMPA)
    gN = sN + (gN - sN)*exp(-dt/tau_NMDA_rise)
    sN = sN*exp(-dt/tau_NMDA_decay)
    gG = gG*exp(-dt/tau_GABA)
}

NET_RECEIVE(wA, wN, wG) {
    INITIAL {
        : keeps the weight vector as set from Python (NEURON zeroes the elements
        : after the first at finitialize when there is no INITIAL block)
    }
    gA = gA + wA*exp(-dt/tau_AMPA)
    gN = gN + wN*(1 - exp(-dt/tau_NMDA_rise))
    sN = sN + wN*exp(-dt/tau_NMDA_decay)
    gG = gG + wG*exp(-dt/tau_GABA)
}
