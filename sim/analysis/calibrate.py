"""``langerthuis calibrate CONFIG --out DIR [--quick]``: fit free parameters to public Dutch figures.

Method: approximate Bayesian computation with sequential Monte Carlo (ABC-SMC, Toni et al. 2009;
Beaumont et al. 2009), written on NumPy/SciPy:

* generation 0 draws the particles from the prior (tolerance infinite, equal weights);
* generation t uses as tolerance a quantile of the previous generation's distances, proposes by
  picking a particle by weight and perturbing it with a multivariate normal kernel whose covariance is
  twice the weighted covariance of the previous generation, simulates, and keeps the proposal if its
  distance is within the tolerance, until ``particles`` are kept;
* weights are prior density / (weighted mixture of the kernels around the previous particles);
  the effective sample size 1 / sum(w^2) is reported per generation.

Distance = sqrt(sum over target rows of ((simulated - observed) / tolerance)^2), one model run per
particle. Every model run's seed comes from the root seed and (generation, proposal) through
``numpy.random.SeedSequence``, and proposals are simulated in fixed-size batches, so a calibration
is reproducible and independent of the number of workers (pyABC's parallel samplers keep particles in
completion order, so their results depend on timing and worker count: calibration/README.md).

The calibrated ensemble (``calibration/ensemble.parquet``) is used by scenarios that say
``parameters: calibrated`` (posterior mean) or ``parameters: {calibrated: ensemble}`` (replicate r
runs particle r of a weighted resample); the model applies it (``sim.model.ensemble``); see
calibration/README.md. Reading and checking the config is sim.analysis.calibrate_config's; the model
runs go to a worker pool (sim.analysis.pool).
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import logsumexp

import sim
# the calibrated ensemble lives with the model, which applies it; re-exported here for scripts and tests
from sim.model.ensemble import (DERIVED, ENSEMBLE_FILE, NEED_THRESHOLDS, file_sha256,  # noqa: F401
                                final_generation, posterior_mean_overrides, replicate_parameters, to_overrides)
from sim.analysis.calibrate_config import Config, JointPrior, load_config
from sim.analysis.pool import open_pool


# --------------------------------------------------------------------------- the ABC-SMC engine
@dataclass
class Generation:
    """One SMC population: particles (n, d), normalised weights, distances and model seeds."""
    t: int
    theta: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    seeds: list
    epsilon: float
    simulations: int
    seconds: float = 0.0
    plausible: np.ndarray | None = None   # set by screen_plausibility (final generation)
    screen: dict | None = None

    @property
    def ess(self) -> float:
        return float(1.0 / np.sum(self.weights ** 2))

    @property
    def acceptance(self) -> float:
        return len(self.weights) / self.simulations


def model_seed(root: int, generation: int, index: int) -> int:
    """The model seed of proposal ``index`` of ``generation`` (a 32-bit int, reproducible)."""
    return int(np.random.SeedSequence(int(root), spawn_key=(0, generation, index)).generate_state(1)[0])


def _proposal_rng(root: int, generation: int, batch: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(int(root), spawn_key=(1, generation, batch)))


def weighted_cov(theta: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.atleast_2d(np.cov(theta.T, aweights=w, ddof=0))


def weighted_quantile(x, w, q):
    """Quantiles of x under weights w (inverse of the weighted empirical cdf, midpoint rule)."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    keep = np.isfinite(x) & (w > 0)
    x, w = x[keep], w[keep]
    if not len(x):
        return np.full(np.shape(q), np.nan)
    order = np.argsort(x)
    x, w = x[order], w[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(q, cdf, x)


def abc_smc(simulate, prior: JointPrior, particles: int, generations: int, root_seed: int,
            quantile: float = 0.5, batch: int | None = None, max_simulations: int = 100_000,
            min_acceptance: float = 0.0, log=print) -> list[Generation]:
    """Run ABC-SMC. ``simulate(theta (k, d), seeds) -> distances (k,)`` runs a batch of proposals.

    Stops after ``generations`` populations, or earlier when a generation cannot keep ``particles``
    within ``max_simulations`` proposals or its acceptance rate falls below ``min_acceptance``.
    """
    batch = batch or particles
    d = len(prior.names)
    start = time.perf_counter()
    theta0 = prior.sample(_proposal_rng(root_seed, 0, 0), particles)
    seeds0 = [model_seed(root_seed, 0, i) for i in range(particles)]
    dist0 = np.asarray(simulate(theta0, seeds0), float)
    pops = [Generation(0, theta0, np.full(particles, 1.0 / particles), dist0, seeds0, math.inf, particles,
                       time.perf_counter() - start)]
    log(f"generation 0: {particles} prior particles, median distance {np.nanmedian(dist0):.3g}")
    for t in range(1, generations):
        prev = pops[-1]
        start = time.perf_counter()
        finite = prev.distances[np.isfinite(prev.distances)]
        eps = float(np.quantile(finite, quantile)) if len(finite) else math.inf
        cov = 2.0 * weighted_cov(prev.theta, prev.weights)
        cov += np.eye(d) * 1e-12 * np.maximum(np.diag(cov).max(), 1e-12)  # never singular
        kept_theta, kept_dist, kept_seeds, sims, b = [], [], [], 0, 0
        while len(kept_theta) < particles and sims < max_simulations:
            rng = _proposal_rng(root_seed, t, b)
            proposals = _propose(rng, prev, cov, prior, batch)
            seeds = [model_seed(root_seed, t, b * batch + k) for k in range(batch)]
            dist = np.asarray(simulate(proposals, seeds), float)
            sims += batch
            b += 1
            for k in np.flatnonzero(dist <= eps):  # kept in proposal order: reproducible
                kept_theta.append(proposals[k])
                kept_dist.append(dist[k])
                kept_seeds.append(seeds[k])
        if len(kept_theta) < particles:
            log(f"generation {t}: only {len(kept_theta)} of {particles} particles within {eps:.3g} "
                f"after {sims} simulations; stopping with generation {t - 1}")
            break
        theta = np.array(kept_theta[:particles])
        # importance weight: prior / mixture of the perturbation kernels around the previous particles
        diff = (theta[None, :, :] - prev.theta[:, None, :]).reshape(-1, d)  # every (previous, new) pair
        logk = np.atleast_1d(stats.multivariate_normal.logpdf(diff, mean=np.zeros(d), cov=cov))
        logk = logk.reshape(len(prev.theta), particles)
        logw = prior.logpdf(theta) - logsumexp(logk + np.log(prev.weights)[:, None], axis=0)
        w = np.exp(logw - logw.max())
        pops.append(Generation(t, theta, w / w.sum(), np.array(kept_dist[:particles]), kept_seeds[:particles],
                               eps, sims, time.perf_counter() - start))
        g = pops[-1]
        log(f"generation {t}: tolerance {eps:.3g}, acceptance {g.acceptance:.2f} ({sims} runs), "
            f"ESS {g.ess:.1f}")
        if g.acceptance < min_acceptance:
            log(f"acceptance below {min_acceptance}: stopping")
            break
    return pops


def _propose(rng, prev: Generation, cov, prior: JointPrior, k: int) -> np.ndarray:
    """k particles picked by weight and perturbed; those outside the prior's support are redrawn."""
    out = np.empty((0, cov.shape[0]))
    for _ in range(1000):
        j = rng.choice(len(prev.weights), size=k, p=prev.weights)
        x = prev.theta[j] + rng.multivariate_normal(np.zeros(cov.shape[0]), cov, size=k)
        out = np.vstack([out, x[np.isfinite(prior.logpdf(x))]])
        if len(out) >= k:
            return out[:k]
    raise RuntimeError("too few proposals inside the prior support after 1,000 rounds")


# --------------------------------------------------------------------------- the model side
def simulate_rows(task: dict) -> np.ndarray:
    """Run the model once (in a worker) and return the values of the requested (indicator, year) rows."""
    from sim.analysis.runner import run_scenario
    scenario = copy.deepcopy(task["scenario"])
    scenario["parameters"] = {**scenario["parameters"], **task["overrides"]}
    scenario["seed"] = int(task["seed"])
    df = run_scenario(scenario, replicate=0)
    table = df.set_index(["indicator", "year"])["value"]
    return np.array([table.get((ind, year), np.nan) for ind, year in task["rows"]], dtype=float)


def distance(sim_values: np.ndarray, observed: np.ndarray, tolerance: np.ndarray) -> float:
    """sqrt(sum(((sim - obs) / tolerance)^2)); a missing simulated value makes the distance infinite."""
    z = (sim_values - observed) / tolerance
    return float(np.sqrt(np.sum(z ** 2))) if np.all(np.isfinite(z)) else math.inf


def _log(text):
    print(text, flush=True)


def calibrate(config: Config, log=_log):
    """Run ABC-SMC for a config; returns (generations, fit table, posterior summary)."""
    fit_rows = config.targets[config.targets.fitted]
    rows = list(zip(fit_rows.indicator, fit_rows.year))
    observed, tolerance = fit_rows.value.to_numpy(), fit_rows.tolerance.to_numpy()
    names = config.prior.names

    def simulate(theta, seeds):
        tasks = [{"scenario": config.scenario, "overrides": to_overrides(dict(zip(names, x))), "seed": s,
                  "rows": rows} for x, s in zip(theta, seeds)]
        return [distance(v, observed, tolerance) for v in pool.map(simulate_rows, tasks)]

    with open_pool(int(config.smc["workers"])) as pool:   # results in task order: the same for any workers
        pops = abc_smc(simulate, config.prior, int(config.smc["particles"]), int(config.smc["generations"]),
                       config.seed, float(config.smc["quantile"]), config.smc.get("batch"),
                       int(config.smc["max_simulations"]), float(config.smc["min_acceptance"]), log=log)
        if config.plausibility:
            screen_plausibility(config, pops[-1], pool, log)
        fit = posterior_predictive(config, pops[-1], pool)
    return pops, fit, posterior_summary(config.prior, pops[-1])


def screen_plausibility(config: Config, last: Generation, pool, log=_log) -> None:
    """Every final particle run once more (fresh seed) to ``plausibility.until``; a particle whose run leaves
    one of the screened ranges of the plausibility file gets weight 0 (the prior truncated to where the
    model stays plausible: history matching against expert ranges, not against observed figures).
    Sets ``last.plausible`` and ``last.screen`` (rows left per indicator) and renormalises the weights."""
    sc = config.plausibility
    rows = [(ind, year) for ind, year, _, _ in sc["rows"]]
    low = np.array([r[2] for r in sc["rows"]])
    high = np.array([r[3] for r in sc["rows"]])
    tasks = [{"scenario": sc["scenario"], "overrides": to_overrides(dict(zip(config.prior.names, x))),
              "seed": model_seed(config.seed, 20_000, i), "rows": rows} for i, x in enumerate(last.theta)]
    values = np.array(pool.map(simulate_rows, tasks)).reshape(len(tasks), len(rows))
    outside = ~((values >= low) & (values <= high))    # a missing value (NaN) is outside too
    plausible = ~outside.any(axis=1)
    if not plausible.any():
        if not config.quick:
            raise RuntimeError("plausibility screen: no final particle stays inside the ranges; widen the prior "
                               "or the ranges")
        log("plausibility screen: no particle inside (quick run: weights kept)")
        plausible = np.ones(len(plausible), dtype=bool)
    names = sorted({r[0] for r in rows})
    last.screen = {n: int(outside[:, [j for j, r in enumerate(rows) if r[0] == n]].any(axis=1).sum()) for n in names}
    last.plausible = plausible
    weights = np.where(plausible, last.weights, 0.0)
    last.weights = weights / weights.sum()
    log(f"plausibility screen to {sc['until']}: {int(plausible.sum())} of {len(plausible)} particles inside "
        f"({', '.join(f'{n}: {k} outside' for n, k in last.screen.items())}); ESS {last.ess:.0f}")


def posterior_predictive(config: Config, last: Generation, pool) -> pd.DataFrame:
    """Every final particle run once more with a fresh seed; weighted mean and 90 % interval per row."""
    t = config.targets
    sim_rows = t[~t.note.str.startswith("not simulated")]
    rows = list(zip(sim_rows.indicator, sim_rows.year))
    tasks = [{"scenario": config.scenario, "overrides": to_overrides(dict(zip(config.prior.names, x))),
              "seed": model_seed(config.seed, 10_000, i), "rows": rows} for i, x in enumerate(last.theta)]
    values = np.array(pool.map(simulate_rows, tasks)).reshape(len(tasks), len(rows))
    fit = t[["indicator", "year", "value", "tolerance"]].rename(columns={"value": "observed"}).copy()
    for col in ("simulated_mean", "simulated_p05", "simulated_p95", "abs_error"):
        fit[col] = np.nan
    for j, idx in enumerate(sim_rows.index):
        v = values[:, j]
        ok = np.isfinite(v)
        if ok.any():
            fit.loc[idx, "simulated_mean"] = np.average(v[ok], weights=last.weights[ok])
            fit.loc[idx, ["simulated_p05", "simulated_p95"]] = weighted_quantile(v, last.weights, [0.05, 0.95])
    fit["abs_error"] = (fit.simulated_mean - fit.observed).abs()
    fit["within_tolerance"] = np.where(fit.simulated_mean.isna(), "not simulated",
                                       np.where(fit.abs_error <= fit.tolerance, "yes", "no"))
    fit["status"] = t.note
    fit["source"] = t.source
    return fit


def posterior_summary(prior: JointPrior, last: Generation) -> pd.DataFrame:
    out = []
    for i, p in enumerate(prior.priors):
        x, w = last.theta[:, i], last.weights
        mean = float(np.average(x, weights=w))
        lo90, hi90 = p.dist.ppf([0.05, 0.95])
        q05, q50, q95 = weighted_quantile(x, w, [0.05, 0.5, 0.95])
        out.append({"parameter": p.name, "prior": p.kind, "prior_low": p.low, "prior_high": p.high,
                    "prior_p05": lo90, "prior_p95": hi90, "posterior_mean": mean,
                    "posterior_sd": float(np.sqrt(np.average((x - mean) ** 2, weights=w))),
                    "posterior_p05": q05, "posterior_median": q50, "posterior_p95": q95, "reason": p.reason})
    return pd.DataFrame(out)


def ensemble_table(prior: JointPrior, pops: list[Generation]) -> pd.DataFrame:
    frames = []
    for g in pops:
        df = pd.DataFrame(g.theta, columns=prior.names)
        df.insert(0, "seed", np.array(g.seeds, dtype=np.int64))
        df.insert(0, "epsilon", g.epsilon)
        df.insert(0, "distance", g.distances)
        df.insert(0, "weight", g.weights)
        if g.plausible is not None:
            df.insert(0, "plausible", g.plausible.astype(float))  # 1 inside the screened ranges, 0 outside
        df.insert(0, "particle", np.arange(len(df)))
        df.insert(0, "generation", g.t)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def generations_table(pops: list[Generation]) -> pd.DataFrame:
    return pd.DataFrame([{"generation": g.t, "epsilon": g.epsilon, "particles": len(g.weights),
                          "simulations": g.simulations, "acceptance_rate": g.acceptance, "ess": g.ess,
                          "median_distance": float(np.median(g.distances)), "seconds": round(g.seconds, 1)}
                         for g in pops])


# --------------------------------------------------------------------------- figures
def plot_trace(prior: JointPrior, pops: list[Generation], path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = len(prior.names)
    cols = 3
    rows = math.ceil((d + 2) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3 * rows), squeeze=False)
    axes = axes.ravel()
    ts = [g.t for g in pops]
    axes[0].plot(ts[1:], [g.epsilon for g in pops[1:]], "o-", label="tolerance")
    axes[0].plot(ts, [np.median(g.distances) for g in pops], "s--", label="median distance")
    axes[0].set_title("tolerance schedule")
    axes[0].legend(fontsize=7)
    axes[1].plot(ts, [g.ess for g in pops], "o-", label="ESS")
    axes[1].plot(ts, [len(g.weights) * g.acceptance for g in pops], "s--", label="acceptance x particles")
    axes[1].set_title("effective sample size")
    axes[1].legend(fontsize=7)
    for i, p in enumerate(prior.priors):
        ax = axes[i + 2]
        for g in pops:
            ax.scatter(np.full(len(g.weights), g.t), g.theta[:, i], s=6 + 200 * g.weights, alpha=0.4)
            q = weighted_quantile(g.theta[:, i], g.weights, [0.05, 0.5, 0.95])
            ax.plot([g.t] * 2, [q[0], q[2]], "k-", lw=2)
            ax.plot(g.t, q[1], "k_", ms=12)
        ax.set_ylim(p.low, p.high)
        ax.set_title(p.name, fontsize=9)
        ax.set_xlabel("generation")
    for ax in axes[d + 2:]:
        ax.set_visible(False)
    _save(fig, path, "ABC-SMC trace")


def plot_marginals(prior: JointPrior, last: Generation, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d = len(prior.names)
    cols = min(d, 4)
    rows = math.ceil(d / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.8 * rows), squeeze=False)
    axes = axes.ravel()
    for i, p in enumerate(prior.priors):
        ax = axes[i]
        grid = np.linspace(p.low, p.high, 200)
        ax.hist(last.theta[:, i], bins=15, range=(p.low, p.high), weights=last.weights, density=True,
                alpha=0.6, label="posterior")
        ax.plot(grid, p.dist.pdf(grid), "k--", label="prior")
        ax.set_title(p.name, fontsize=9)
        if i == 0:
            ax.legend(fontsize=7)
    for ax in axes[d:]:
        ax.set_visible(False)
    _save(fig, path, f"posterior marginals (generation {last.t})")


def _save(fig, path, title):
    import matplotlib.pyplot as plt
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": f"langerthuis {sim.__version__}"})
    plt.close(fig)


# --------------------------------------------------------------------------- command line
def register(sub):
    p = sub.add_parser("calibrate", help="fit free parameters to targets with ABC-SMC (calibration/README.md)")
    p.add_argument("config", help="calibration config YAML (e.g. calibration/config.yaml)")
    p.add_argument("--out", required=True, help="output folder (written when complete; a previous result is replaced only with --force)")
    p.add_argument("--quick", action="store_true", help="small version (the config's quick: section)")
    p.add_argument("--workers", type=int, help="override smc.workers (results do not depend on it)")
    p.set_defaults(func=main)


def main(args) -> int:
    from sim.output import atomic_folder, manifest, write_json
    config = load_config(args.config, quick=args.quick)  # bad input stops here: nothing written
    if args.workers is not None:
        config.smc["workers"] = args.workers
    started = time.perf_counter()
    pops, fit, post = calibrate(config)
    wall = time.perf_counter() - started
    with atomic_folder(args.out, command="calibrate", force=getattr(args, "force", False)) as tmp:
        ensemble_table(config.prior, pops).to_parquet(tmp / "ensemble.parquet", index=False)
        generations_table(pops).to_csv(tmp / "generations.csv", index=False)
        fit.to_csv(tmp / "fit.csv", index=False)
        post.to_csv(tmp / "posterior.csv", index=False)
        plot_trace(config.prior, pops, tmp / "trace.png")
        plot_marginals(config.prior, pops[-1], tmp / "marginals.png")
        write_json(tmp / "manifest.json", manifest(
            [config.scenario], wall, command="calibrate", config=config.file,
            config_sha256=file_sha256(config.file), quick=config.quick, root_seed=config.seed, smc=config.smc,
            free_parameters=config.prior.names, generations=generations_table(pops).to_dict("records"),
            plausibility_screen=None if not config.plausibility else {
                "until": config.plausibility["until"], "ranges": config.plausibility["ranges_file"],
                "reason": config.plausibility["reason"], "inside": int(pops[-1].plausible.sum()),
                "particles": len(pops[-1].plausible), "outside_by_indicator": pops[-1].screen}))
    fitted = fit[config.targets.fitted.to_numpy()]
    print(f"wrote {args.out}: {len(pops)} generations x {len(pops[-1].weights)} particles, "
          f"{sum(g.simulations for g in pops)} model runs in {wall:.0f} s; "
          f"{(fitted.within_tolerance == 'yes').sum()} of {len(fitted)} fitted targets within tolerance")
    return 0
