package main

import "context"

func contextWithCancel() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }

func benchDesktop() ([]row, error) { return nil, nil }
