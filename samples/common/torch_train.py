"""Deterministic PyTorch training loop shared by the trained samples (digits_cnn,
outlier_act): single-threaded, deterministic algorithms, seeded init and shuffling,
Adam on cross-entropy. Needs python3-torch (only to remake those samples)."""
import torch


def train_classifier(make_net, x, y, seed, epochs, batch_size, lr, weight_decay=0.0, label_smoothing=0.0):
    """make_net() is called after seeding; x float32 numpy (already normalised), y int64 numpy.
    Returns the trained net in eval mode."""
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    net = make_net()
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        net.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), batch_size):
            idx = perm[i:i + batch_size]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx], label_smoothing=label_smoothing)
            loss.backward()
            opt.step()
    return net.eval()
