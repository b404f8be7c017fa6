COMMENT
One plastic synapse of dendritic_models.wiring.connect: efficacy w scales the receptor
jumps it makes in its node's DMReceptors (through POINTERs; advanced by one state step
as in DMReceptors' NET_RECEIVE, factors EA, ENr, ENd, EG set from Python); the rule updates w after
those jumps. NetCon weight vector (kind, separation):
  kind 0: presynaptic spike; kind 1: postsynaptic (somatic) spike, late by separation (ms);
  kind 2: a spike of a neighbouring synapse at |x_k - x_m| = separation (um).
rule 1, pair STDP with all-to-all traces (Song, Miller & Abbott 2000, Nat Neurosci
3:919; dendritic_models.rules.pair_stdp): on pre apre += A_plus, w -= apost; on post
apost += A_minus, w += apre; w clipped to [0, w_max].
rule 2, local co-activity (Wright, Hedrick & Komiyama 2025, Science 388:322;
dendritic_models.rules.local_coactivity): traces A (own spikes) and C (neighbours',
exp(-separation/length_scale) each), stored as value and time of last update.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS DMPlastic
    POINTER pgA, pgN, psN, pgG
    RANGE wA, wN, wG, w, rule
    RANGE A_plus, A_minus, tau_plus, tau_minus, w_max
    RANGE eta_coop, eta_iso, tau_coact, length_scale
    RANGE apre, apost, t_last, A, t_A, C, t_C, w_init
    RANGE EA, ENr, ENd, EG
}

PARAMETER {
    wA = 0          : (uS) jump of gA per spike at w = 1
    wN = 0          : (uS) jump of sN per spike at w = 1 (1/peak_factor included)
    wG = 0          : (uS)
    w_init = 1
    rule = 1
    A_plus = 0.01
    A_minus = 0.01
    tau_plus = 16.8   : (ms)
    tau_minus = 33.7  : (ms)
    w_max = 2
    eta_coop = 0.01
    eta_iso = 0.002
    tau_coact = 60    : (ms)
    length_scale = 10 : (um)
    EA = 1            : exp(-dt/tau) of the receptors (see DMReceptors)
    ENr = 1
    ENd = 1
    EG = 1
}

ASSIGNED {
    pgA pgN psN pgG
    w
    apre apost t_last
    A t_A C t_C
}

INITIAL {
    w = w_init
    apre = 0  apost = 0  t_last = 0
    A = 0  t_A = 0  C = 0  t_C = 0
}

FUNCTION clip(x, hi) {
    clip = x
    if (x < 0) { clip = 0 }
    if (x > hi) { clip = hi }
}

PROCEDURE decay_pair() {
    apre = apre*exp(-(t - t_last)/tau_plus)
    apost = apost*exp(-(t - t_last)/tau_minus)
    t_last = t
}

NET_RECEIVE(kind, separation) {
    LOCAL proximity, t_post
    INITIAL {
        : keeps the weight vector as set from Python (NEURON zeroes the elements
        : after the first at finitialize when there is no INITIAL block)
    }
    if (kind == 0) {
        : receptor jumps first, with the efficacy before this spike's update
        pgA = pgA + w*wA*EA
        pgN = pgN + w*wN*(1 - ENr)
        psN = psN + w*wN*ENd
        pgG = pgG + w*wG*EG
        if (rule == 1) {
            decay_pair()
            apre = apre + A_plus
            w = clip(w - apost, w_max)
        } else if (rule == 2) {
            w = clip(w + eta_coop*C*exp(-(t - t_C)/tau_coact) - eta_iso, w_max)
            A = A*exp(-(t - t_A)/tau_coact) + 1
            t_A = t
        }
    } else if (kind == 1) {
        : postsynaptic events arrive late by their NetCon delay, which NEURON needs
        : (>= dt, >= 2 dt with threads) and which the second weight gives (ms); the
        : rule uses the spike's own time
        if (rule == 1) {
            t_post = t - separation
            apre = apre*exp(-(t_post - t_last)/tau_plus)
            apost = apost*exp(-(t_post - t_last)/tau_minus)
            t_last = t_post
            apost = apost + A_minus
            w = clip(w + apre, w_max)
        }
    } else if (kind == 2) {
        if (rule == 2) {
            proximity = exp(-separation/length_scale)
            w = clip(w + eta_coop*proximity*A*exp(-(t - t_A)/tau_coact), w_max)
            C = C*exp(-(t - t_C)/tau_coact) + proximity
            t_C = t
        }
    }
}
