COMMENT
A presynaptic spike source: every event it receives (queued at its spike times from a
Vector by NetCon.event at initialisation) it re-emits at once to all its NetCons.
ENDCOMMENT

NEURON {
    ARTIFICIAL_CELL DMRelay
}

NET_RECEIVE(w) {
    net_event(t)
}
