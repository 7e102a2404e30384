"""Training the model (PyTorch, the ``train`` extra): ``gpt`` (the model), ``data`` (examples, batch order),
``loop`` (training, checkpoints, export), ``cli`` (``ompgpt train``), ``samples`` (a few loops for smoke tests).

Kept free of imports: ``samples`` and ``data`` are usable without torch.
"""
