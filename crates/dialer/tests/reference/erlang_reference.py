#!/usr/bin/env python3
"""High-precision reference values for the engine's `erlang` module (DESIGN §5.7).

Every quantity is computed at 50 significant digits with mpmath, from the textbook formulas, written
independently of the Rust code (no shared recursions, rescaling or closed-form shortcuts where a
direct sum or a quadrature will do). Where two textbook routes exist both are computed and must agree
to 1e-40. The output is pasted into `crates/dialer/tests/erlang_reference.rs`.

    python3 -m pip install mpmath
    python3 crates/dialer/tests/reference/erlang_reference.py
"""

from mpmath import mp, mpf, binomial, exp, factorial, fsum, quad, findroot, nstr

mp.dps = 50
AGREE = mpf("1e-40")


def agree(x, y, what):
    assert abs(x - y) <= AGREE * max(abs(x), abs(y), mpf(1)), (what, x, y)
    return x


# --- Erlang B -------------------------------------------------------------------------------------
def erlang_b_sum(n, a):
    """B(n, a) = (a^n / n!) / sum_{k=0..n} a^k / k!  (direct sum)."""
    return (a**n / factorial(n)) / fsum(a**k / factorial(k) for k in range(n + 1))


def erlang_b_recursion(n, a):
    """B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))."""
    b = mpf(1)
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def erlang_b(n, a):
    return agree(erlang_b_sum(n, a), erlang_b_recursion(n, a), f"B({n},{a})")


# --- Erlang C -------------------------------------------------------------------------------------
def erlang_c_direct(n, a):
    """C(n, a) = (a^n/n! · n/(n−a)) / (sum_{k<n} a^k/k! + a^n/n! · n/(n−a))."""
    top = a**n / factorial(n) * n / (n - a)
    return top / (fsum(a**k / factorial(k) for k in range(n)) + top)


def erlang_c_from_b(n, a):
    """C = n B / (n − a (1 − B))."""
    b = erlang_b_sum(n, a)
    return n * b / (n - a * (1 - b))


def erlang_c(n, a):
    return agree(erlang_c_direct(n, a), erlang_c_from_b(n, a), f"C({n},{a})")


def service_level(n, a, h, t):
    """SL = 1 − C · exp(−(n − a) t / h)."""
    return 1 - erlang_c(n, a) * exp(-(n - a) * t / h)


def asa(n, a, h):
    """ASA = C · h / (n − a)."""
    return erlang_c(n, a) * h / (n - a)


# --- Erlang A (M/M/n+M) ---------------------------------------------------------------------------
def erlang_a(lam, h, n, patience, extra=2000):
    """Exact birth–death chain: birth λ; death k μ for k ≤ n, n μ + (k − n) θ above.

    Truncated `extra` states above n, where the terms are below 10^-1000 of the total at these
    loads. P(abandon) = θ E[queue] / λ; P(wait) = P(K ≥ n); occupancy = E[min(K, n)] / n.
    """
    mu, theta = 1 / mpf(h), 1 / mpf(patience)
    p = [mpf(1)]
    for k in range(1, n + extra + 1):
        death = min(k, n) * mu + max(k - n, 0) * theta
        p.append(p[-1] * lam / death)
    assert p[-1] < mpf("1e-45") * fsum(p)
    total = fsum(p)
    queue = fsum((k - n) * pk for k, pk in enumerate(p) if k > n) / total
    busy = fsum(min(k, n) * pk for k, pk in enumerate(p)) / total
    wait = fsum(pk for k, pk in enumerate(p) if k >= n) / total
    abandon = theta * queue / lam
    # Flow balance: served = λ (1 − P(ab)) = μ E[busy].
    agree(busy * mu, lam * (1 - abandon), "Erlang A flow balance")
    return abandon, wait, busy / n


# --- M/M/n+G with deterministic patience (M/M/n+D) ------------------------------------------------
def fixed_patience(lam, h, n, tau):
    """Zeltyn & Mandelbaum's M/M/n+G formulas with G = a point mass at τ.

    H(x) = ∫_0^x (1 − G(u)) du = min(x, τ);  J = ∫_0^∞ exp(λ H(x) − n μ x) dx (by quadrature);
    E = sum_{j<n} (a^j/j!) / (a^(n−1)/(n−1)!);
    P(W > 0) = λ J / (E + λ J);  P(Ab) = (1 + (λ − n μ) J) / (E + λ J).
    The virtual wait V has the density λ exp(λ H(v) − n μ v) / (E + λ J) on v > 0 (and an atom at 0),
    a connected call is one with V < τ, and its wait is V.
    """
    lam, h, tau = mpf(lam), mpf(h), mpf(tau)
    mu = 1 / h
    a = lam / mu
    H = lambda x: min(x, tau)
    f = lambda x: exp(lam * H(x) - n * mu * x)
    J = quad(f, [0, tau, mp.inf])
    E = fsum((a**j / factorial(j)) / (a ** (n - 1) / factorial(n - 1)) for j in range(n))
    denom = E + lam * J
    wait = lam * J / denom
    abandon = (1 + (lam - n * mu) * J) / denom
    # The tail beyond τ is the abandon probability (PASTA).
    agree(lam * quad(f, [tau, mp.inf]) / denom, abandon, "M/M/n+D tail")
    no_wait = E / denom
    density = lambda v: lam * f(v) / denom
    connected = 1 - abandon
    mean_wait = quad(lambda v: v * density(v), [0, tau]) / connected
    target = mpf("0.9") * connected
    if no_wait >= target:
        p90 = mpf(0)
    else:
        p90 = findroot(lambda x: no_wait + quad(density, [0, x]) - target, tau / 2)
    occupancy = min(lam * h * connected / n, mpf(1))
    return abandon, wait, occupancy, mean_wait, p90


# --- Engset ---------------------------------------------------------------------------------------
def engset(sources, n, beta):
    """N sources, n servers, β = γ/μ per idle source.

    Time congestion: C(N, n) β^n / sum_{k≤n} C(N, k) β^k.
    Call congestion (arrival theorem: what an arriving source sees is the N − 1 system):
    C(N − 1, n) β^n / sum_{k≤n} C(N − 1, k) β^k.
    Occupancy: sum k C(N, k) β^k / sum C(N, k) β^k, over n.
    """
    beta = mpf(beta)
    t = [binomial(sources, k) * beta**k for k in range(n + 1)]
    c = [binomial(sources - 1, k) * beta**k for k in range(n + 1)]
    time_congestion = t[n] / fsum(t)
    call_congestion = c[n] / fsum(c)
    busy = fsum(k * tk for k, tk in enumerate(t)) / fsum(t)
    # Carried traffic = offered by idle sources that are not blocked: E[busy] = β E[N − busy](1 − B_call).
    agree(busy, beta * (sources - busy) * (1 - call_congestion), "Engset carried traffic")
    return call_congestion, time_congestion, busy / n


def show(name, value):
    print(f"{name} = {nstr(value, 25, strip_zeros=False)}")


def main():
    print("# mp.dps =", mp.dps)
    # Erlang C: 100 calls / 30 min, 180 s handle, 14 agents, 20 s target.
    a = mpf(100) / 1800 * 180
    show("C_100_PER_HALF_HOUR_WAIT", erlang_c(14, a))
    show("C_100_PER_HALF_HOUR_SL", service_level(14, a, 180, 20))
    show("C_100_PER_HALF_HOUR_ASA", asa(14, a, 180))
    # Erlang C: 2 calls / min, 240 s handle, 10 agents, 30 s target.
    a = mpf(2) / 60 * 240
    show("C_2_PER_MINUTE_WAIT", erlang_c(10, a))
    show("C_2_PER_MINUTE_SL", service_level(10, a, 240, 30))
    show("C_2_PER_MINUTE_ASA", asa(10, a, 240))
    # Erlang B tables.
    show("B_10_8", erlang_b(10, mpf(8)))
    show("B_20_15", erlang_b(20, mpf(15)))
    # Erlang A: 10 calls / min, 60 s handle, 10 agents, mean patience 2 s.
    ab, wait, occ = erlang_a(mpf(10) / 60, 60, 10, 2)
    show("A_ABANDON", ab)
    show("A_WAIT", wait)
    show("A_OCCUPANCY", occ)
    # M/M/n+D: 10 calls / min (λ = nμ), 60 s handle, 10 agents, fixed patience 2 s and 10 s;
    # then 8 and 12 calls / min (λ below and above nμ) with 10 s.
    cases = (("D2", 10, 2), ("D10", 10, 10), ("D10_LIGHT", 8, 10), ("D10_HEAVY", 12, 10))
    for prefix, per_minute, tau in cases:
        ab, wait, occ, mean, p90 = fixed_patience(mpf(per_minute) / 60, 60, 10, tau)
        show(f"{prefix}_ABANDON", ab)
        show(f"{prefix}_WAIT", wait)
        show(f"{prefix}_OCCUPANCY", occ)
        show(f"{prefix}_MEAN_WAIT", mean)
        show(f"{prefix}_P90_WAIT", p90)
    # Engset: 15 sources, 10 servers, β = 0.25 / 20 · 60 = 0.75.
    call, time, occ = engset(15, 10, mpf("0.75"))
    show("ENGSET_CALL", call)
    show("ENGSET_TIME", time)
    show("ENGSET_OCCUPANCY", occ)


if __name__ == "__main__":
    main()
