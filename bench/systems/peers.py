"""PyTorch (CPU, one thread) and scikit-learn on the benchmark's workloads, with their normal APIs.

Usage: python3 bench/systems/peers.py <pytorch|scikit-learn> <workload> <data dir> <epochs>
Prints one JSON line like bench/child.mjs. PyTorch trains in float32 (its default) from the same
initial weights as chainrule; scikit-learn's MLPClassifier uses its own seeded initialisation.
A multi-class workload (`classes` in its meta) trains a softmax output on the class indices:
PyTorch's CrossEntropyLoss on the logits, scikit-learn's multi-class MLPClassifier.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np

system, workload_name, data_dir, requested = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with open(os.path.join(data_dir, "meta.json")) as f:
    meta = json.load(f)
w = meta["workloads"][workload_name]
spec = meta["datasets"][w["dataset"]]
n, k = spec["rows"], spec["features"]
X = np.fromfile(os.path.join(data_dir, w["dataset"] + ".X.f64"), dtype="<f8").reshape(n, k)
Y = np.fromfile(os.path.join(data_dir, w["dataset"] + ".Y.f64"), dtype="<f8")
# Below one epoch, train one epoch over the first rows (as bench/child.mjs does).
if requested < 1:
    n = int(round(n * requested))
    X, Y = X[:n], Y[:n]
epochs = max(1, int(round(requested)))
batch = n if w["batch"] == "full" else int(w["batch"])
shuffle = bool(w.get("shuffle", False))
classes = w.get("classes")


def train_torch():
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    mods = []
    for i, layer in enumerate(w["layers"]):
        lin = torch.nn.Linear(layer["inputs"], layer["units"])
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(layer["weights"]).reshape(layer["units"], layer["inputs"]))
            lin.bias.copy_(torch.tensor(layer["bias"]))
        mods.append(lin)
        if i < len(w["layers"]) - 1:
            mods.append(torch.nn.ReLU() if layer["activation"] == "relu" else torch.nn.Sigmoid())
    model = torch.nn.Sequential(*mods)
    lossf = torch.nn.BCEWithLogitsLoss() if classes is None else torch.nn.CrossEntropyLoss()
    if w["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=w["lr"], betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=w["lr"])
    xt = torch.tensor(X, dtype=torch.float32)
    yt = torch.tensor(Y, dtype=torch.float32).reshape(n, 1) if classes is None else torch.tensor(Y, dtype=torch.int64)
    gen = torch.Generator().manual_seed(5)

    def train():
        for _ in range(epochs):
            order = torch.randperm(n, generator=gen) if shuffle else None
            for start in range(0, n, batch):
                if order is None:
                    xb, yb = xt[start:start + batch], yt[start:start + batch]
                else:
                    idx = order[start:start + batch]
                    xb, yb = xt[idx], yt[idx]
                opt.zero_grad(set_to_none=True)
                loss = lossf(model(xb), yb)
                loss.backward()
                opt.step()

    def probabilities():
        with torch.no_grad():
            if classes is not None:
                return torch.softmax(model(xt), dim=1).double().numpy()
            return torch.sigmoid(model(xt)).double().numpy().reshape(-1)

    return train, probabilities


def train_sklearn():
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    act = "relu" if w["activation"] == "relu" else "logistic"
    common = dict(hidden_layer_sizes=tuple(w["hidden"]), activation=act, alpha=0.0, batch_size=batch,
                  learning_rate_init=w["lr"], max_iter=epochs, shuffle=shuffle, random_state=0,
                  tol=0.0, n_iter_no_change=10 ** 9)
    if w["optimizer"] == "adam":
        clf = MLPClassifier(solver="adam", beta_1=0.9, beta_2=0.999, epsilon=1e-8, **common)
    else:
        clf = MLPClassifier(solver="sgd", momentum=0.0, nesterovs_momentum=False, learning_rate="constant", **common)
    labels = Y.astype(np.int64)

    def train():
        clf.fit(X, labels)

    def probabilities():
        p = clf.predict_proba(X)
        return p if classes is not None else p[:, 1]

    return train, probabilities


train, probabilities = train_torch() if system == "pytorch" else train_sklearn()
t0 = time.perf_counter()
train()
seconds = time.perf_counter() - t0
p = np.clip(probabilities(), 1e-12, 1 - 1e-12)
if classes is None:
    final_loss = float(-np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p)))
else:
    final_loss = float(-np.mean(np.log(p[np.arange(n), Y.astype(np.int64)])))
samples = epochs * n
print(json.dumps({
    "system": system, "workload": workload_name, "samples": samples, "seconds": seconds,
    "samplesPerSec": samples / seconds, "finalLoss": final_loss,
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
